// `fleetsim sweep` from the command line: the shipped example spec runs; shards
// joined with --merge equal the unsharded sweep; bad input exits 2 with the
// spec's file and line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

#include "tests/analysis/sweep_fixture.hpp"
#include "tests/cli/cli_runner.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;
using testing_cli::fleetsim;


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
  const std::string summary = bytes(path("example/summary.csv"));
  const std::string paired = bytes(path("example/paired.csv"));
  // (mean, half-width) of a row of summary.csv or paired.csv; (-1, -1) when absent.
  auto row = [](const std::string& text, const std::string& head) {
    const auto at = text.find("\n" + head);
    if (at == std::string::npos) return std::pair{-1.0, -1.0};
    std::size_t used = 0;
    const std::string rest = text.substr(at + 1 + head.size());
    const double mean = std::stod(rest, &used);
    return std::pair{mean, std::stod(rest.substr(used + 1))};
  };
  // More nodes, less waiting: the mean wait of spread falls from 4 to 8 nodes.
  EXPECT_GT(row(summary, "8,spread,8,wait_mean_s,5,").first, 0) << summary;
  EXPECT_GT(row(summary, "6,spread,4,wait_mean_s,5,").first, 2 * row(summary, "8,spread,8,wait_mean_s,5,").first);
  EXPECT_TRUE(fs::exists(path("example/sweep.h5")));
  // Seed by seed, spread on 6 nodes waits longer than first-fit (the baseline):
  // the paired interval excludes 0 although the two points' own intervals overlap.
  const auto [diff, half] = row(paired, "7,spread,6,wait_mean_s,5,");
  EXPECT_GT(diff - half, 0) << paired;
  const auto first_fit = row(summary, "1,first-fit,6,wait_mean_s,5,");
  const auto spread = row(summary, "7,spread,6,wait_mean_s,5,");
  EXPECT_LT(spread.first - spread.second, first_fit.first + first_fit.second) << summary;
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
  for (const char* f : {"sweep.csv", "summary.csv", "effects.csv", "surface.csv", "sweep.h5"})
    EXPECT_EQ(bytes(path("whole/") + f), bytes(path("m/") + f)) << f;
}

TEST_F(SweepCli, DryRunPrintsThePointsAndRunsNothing) {
  auto r = fleetsim("sweep " + q("spec.yaml") + " --dry-run --out " + q("out"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("4 point(s) x 3 seed(s) = 12 runs; spec hash "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n  seeds 5 6 7\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n  point 3: scheduler.placement=spread cluster.pools[0].count=2\n"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(path("out")));
}

TEST_F(SweepCli, BadInputExitsTwoWithTheSpecsLine) {
  write("bad.yaml",
        "scenario: tiny.yaml\nparameters:\n  - {path: scheduler.placement, values: [spread]}\nseeds: 1\n"
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

std::string args_of(const YAML::Node& pod_spec) { return pod_spec["containers"][0]["args"][0].as<std::string>(); }

// --emit-k8s: an Indexed Job with one shard per index, a merge Job and a
// Kubeflow MPIJob, as YAML a cluster would take.
TEST(SweepK8s, IndexedJobMergeJobAndMpiJob) {
  const auto r = fleetsim("sweep " + std::string(FLEETSIM_SOURCE_DIR) +
                          "/sweeps/placement-by-size.yaml --emit-k8s --k8s-shards 5 --image registry.example/fleetsim:1");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto docs = YAML::LoadAll(r.output);
  ASSERT_EQ(docs.size(), 3u);
  const auto& shards = docs[0];
  EXPECT_EQ(shards["kind"].as<std::string>(), "Job");
  EXPECT_EQ(shards["metadata"]["name"].as<std::string>(), "placement-by-size-shards");
  EXPECT_EQ(shards["spec"]["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(shards["spec"]["completions"].as<int>(), 5);
  const auto pod = shards["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"].as<std::string>(), "registry.example/fleetsim:1");
  EXPECT_NE(args_of(pod).find("--shard ${JOB_COMPLETION_INDEX}/5"), std::string::npos) << args_of(pod);
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), "fleetsim-results");
  const auto merge = docs[1]["spec"]["template"]["spec"];
  EXPECT_NE(args_of(merge).find("--merge /results/placement-by-size/shard-* --out /results/placement-by-size/merged"),
            std::string::npos)
      << args_of(merge);
  const auto& mpi = docs[2];
  EXPECT_EQ(mpi["apiVersion"].as<std::string>(), "kubeflow.org/v2beta1");
  EXPECT_EQ(mpi["kind"].as<std::string>(), "MPIJob");
  EXPECT_EQ(mpi["spec"]["mpiReplicaSpecs"]["Worker"]["replicas"].as<int>(), 5);
  EXPECT_EQ(args_of(mpi["spec"]["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]).rfind("mpirun -n 5 fleetsim sweep", 0),
            0u);
}

}  // namespace
}  // namespace fleetsim
