// `fleetsim compare --vary` with YAML values that contain commas: an elastic
// block against none (null), the contrast scenarios/elastic-training.yaml shows.
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

TEST(CliCompare, VaryKeepsCommasInsideBraces) {
  const std::string dir = ::testing::TempDir() + "cli_compare_" + std::to_string(::getpid());
  fs::create_directories(dir);
  std::ofstream(dir + "/t.csv") << "job_id,submit,duration,gpus,pods\nj,0,1h,1,4\n";
  // Three one-GPU nodes: the 4-pod gang never starts; elastic (min 2) runs on 3.
  std::ofstream(dir + "/s.yaml") << "name: vary\ncluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 3}\n"
                                    "workload:\n  - {name: t, csv: t.csv}\n";
  const auto ran = testing_cli::fleetsim("compare '" + dir + "/s.yaml' --out '" + dir +
                                         "/out' --vary 'workload[0].elastic=null,{min_replicas: 2, max_replicas: 4}'");
  ASSERT_EQ(ran.status, 0) << ran.output;
  std::ifstream csv(dir + "/out/compare.csv");
  std::stringstream rows;
  rows << csv.rdbuf();
  EXPECT_NE(rows.str().find("\"workload[0].elastic=null\",1,jobs_succeeded,0\n"), std::string::npos) << rows.str();
  EXPECT_NE(rows.str().find("\"workload[0].elastic={min_replicas: 2, max_replicas: 4}\",1,jobs_succeeded,1\n"),
            std::string::npos)
      << rows.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fleetsim
