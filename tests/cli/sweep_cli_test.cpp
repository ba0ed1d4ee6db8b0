// `fleetsim sweep` from the command line: the shipped example spec runs; shards
// joined with --merge equal the unsharded sweep; bad input exits 2 with the
// spec's file and line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/analysis/sweep_fixture.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string output;
};

Result fleetsim(const std::string& args) {
  const std::string cmd = std::string("'") + FLEETSIM_BINARY + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::string text;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, text};
}

class SweepCli : public testing_sweep::SweepFolder {
 protected:
  // ' dir/name ', quoted for the shell.
  std::string q(const std::string& name) const {
    std::string out(1, '\'');
    out.append(path(name)).push_back('\'');
    return out;
  }
};

TEST_F(SweepCli, ExampleSpecRuns) {
  const std::string spec = std::string(FLEETSIM_SOURCE_DIR) + "/sweeps/placement-by-size.yaml";
  auto r = fleetsim("sweep '" + spec + "' --threads 2 --out " + q("example"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("9 point(s) x 5 seed(s) = 45 runs"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << "a progress line off a terminal";
  const std::string csv = bytes(path("example/sweep.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2 + 45);
  // More nodes, less waiting: the mean wait of spread falls from 4 to 8 nodes.
  const std::string summary = bytes(path("example/summary.csv"));
  auto mean = [&](const std::string& row) {
    const auto at = summary.find("\n" + row);
    return at == std::string::npos ? -1.0 : std::stod(summary.substr(at + 1 + row.size()));
  };
  EXPECT_GT(mean("8,spread,8,wait_mean_s,5,"), 0) << summary;
  EXPECT_GT(mean("6,spread,4,wait_mean_s,5,"), 2 * mean("8,spread,8,wait_mean_s,5,")) << summary;
  EXPECT_TRUE(fs::exists(path("example/sweep.h5")));
}

TEST_F(SweepCli, ShardsMergeToTheUnshardedBytes) {
  const std::string spec = q("spec.yaml");
  ASSERT_EQ(fleetsim("sweep " + spec + " -q --out " + q("whole")).status, 0);
  auto s0 = fleetsim("sweep " + spec + " --shard 0/2 --threads 1 --out " + q("s0"));
  ASSERT_EQ(s0.status, 0) << s0.output;
  EXPECT_NE(s0.output.find("shard 0/2: 6 runs"), std::string::npos) << s0.output;
  EXPECT_NE(s0.output.find("join them with --merge"), std::string::npos) << s0.output;
  ASSERT_EQ(fleetsim("sweep " + spec + " -q --shard 1/2 --out " + q("s1")).status, 0);
  auto m = fleetsim("sweep " + spec + " --merge " + q("s0") + " " + q("s1") + " --out " + q("m"));
  ASSERT_EQ(m.status, 0) << m.output;
  for (const char* f : {"sweep.csv", "summary.csv", "sweep.h5"})
    EXPECT_EQ(bytes(path("whole/") + f), bytes(path("m/") + f)) << f;
}

TEST_F(SweepCli, BadInputExitsTwoWithTheSpecsLine) {
  write("bad.yaml", "scenario: tiny.yaml\nparameters:\n  - {path: scheduler.placement, values: [spread]}\nseeds: 1\n"
                    "desing: grid\n");
  auto r = fleetsim("sweep " + q("bad.yaml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("bad.yaml:5: desing: unknown key (did you mean 'design'?)"), std::string::npos) << r.output;
  r = fleetsim("sweep " + q("spec.yaml") + " --shard 2/2");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--shard 2/2: expected I/N with 0 <= I < N"), std::string::npos) << r.output;
  ASSERT_EQ(fleetsim("sweep " + q("spec.yaml") + " -q --out " + q("out")).status, 0);
  write("spec.yaml", std::string(testing_sweep::kTinySpec) + "set: ['workload[0].synthetic.count=3']\n");
  r = fleetsim("sweep " + q("spec.yaml") + " -q --out " + q("out"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("holds results of another sweep"), std::string::npos) << r.output;
  EXPECT_EQ(fleetsim("sweep " + q("spec.yaml") + " -q --fresh --out " + q("out")).status, 0);
}

}  // namespace
}  // namespace fleetsim
