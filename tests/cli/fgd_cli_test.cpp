// `fleetsim fgd` end to end on a small openb-format trace: the results
// directory (CSV files and the PNG chart), and bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/cli/cli_runner.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

std::string tmp(const std::string& name) {
  static const std::string dir = [] {
    std::string d = ::testing::TempDir() + "fgd_cli_" + std::to_string(::getpid());
    fs::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = tmp(name);
  std::ofstream(path) << text;
  return path;
}

using testing_cli::quote;
using Result = testing_cli::CliResult;
using testing_cli::fleetsim;

std::string nodes() {
  return write("nodes.csv",
               "sn,cpu_milli,memory_mib,gpu,model\n"
               "node-0,32000,131072,4,T4\n"
               "node-1,64000,262144,8,V100M32\n");
}

std::string pods() {
  return write("pods.csv",
               "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
               "scheduled_time\n"
               "pod-a,4000,8192,1,500,,LS,Running,0,100,0\n"
               "pod-b,8000,16384,1,1000,,LS,Running,10,100,10\n"
               "pod-c,2000,4096,1,250,,BE,Running,20,100,20\n"
               "pod-d,16000,32768,2,1000,,LS,Running,30,100,30\n"
               "pod-e,1000,2048,0,0,,BE,Running,40,100,40\n");
}

TEST(FgdCli, WritesCsvAndChart) {
  const std::string out = tmp("results");
  const auto r = fleetsim("fgd --nodes " + quote(nodes()) + " --pods " + quote(pods()) +
                          " --seeds 3 --threads 2 --out " + quote(out));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("at 100% arrived workload"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fgd"), std::string::npos);
  for (const char* f : {"fgd.csv", "fgd-summary.csv", "fgd-runs.csv", "typical-pods.csv", "fgd.png"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f << "\n" << r.output;
  EXPECT_FALSE(fs::exists(out + ".partial"));
  std::ifstream csv(out + "/fgd.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "policy,seed,arrived_pct,reports,alloc_pct,frag_pct,frag_ratio_pct,unallocated_gpus");
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 6 * 3 * 131);
  std::ifstream summary(out + "/fgd-summary.csv");
  std::getline(summary, header);
  EXPECT_EQ(header, "policy,statistic,arrived_pct,alloc_pct,frag_pct,frag_ratio_pct,unallocated_gpus");
  // A PNG file.
  std::ifstream png(out + "/fgd.png", std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
}

TEST(FgdCli, PolicySubsetWithoutPlot) {
  const std::string out = tmp("subset");
  const auto r = fleetsim("fgd --nodes " + quote(nodes()) + " --pods " + quote(pods()) +
                          " --seeds 2 --policies fgd,best-fit --no-plot -q --out " + quote(out));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
  EXPECT_FALSE(fs::exists(out + "/fgd.png"));
  std::ifstream csv(out + "/fgd-runs.csv");
  std::stringstream ss;
  ss << csv.rdbuf();
  EXPECT_EQ(ss.str().rfind("policy,seed,pods,failed_pods,arrived_gpu_milli\nfgd,42,", 0), 0u) << ss.str();
  EXPECT_NE(ss.str().find("\nbest-fit,43,"), std::string::npos) << ss.str();
}

TEST(FgdCli, BadInputExitsWithStatus2) {
  const std::string bad = write("bad_nodes.csv", "sn,cpu_milli,memory_mib,gpu,model\nnode-0,32000,1024,x,T4\n");
  const std::string out = tmp("bad");
  auto r = fleetsim("fgd --nodes " + quote(bad) + " --pods " + quote(pods()) + " --out " + quote(out));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("bad_nodes.csv:2: gpu"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));

  r = fleetsim("fgd --nodes " + quote(nodes()) + " --pods " + quote(pods()) + " --policies fgd,best_fit --out " +
               quote(out));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("unknown GPU-sharing policy 'best_fit' (did you mean 'best-fit'?)"), std::string::npos) << r.output;

  r = fleetsim("fgd --nodes " + quote(tmp("missing.csv")) + " --pods " + quote(pods()) + " --out " + quote(out));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("missing.csv"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace fleetsim
