// A job whose GPUs are split runs slower by its source's `topology:` slowdown:
// completion times worked out by hand on two p3.16xlarge nodes (8 V100s each,
// DGX-1 hybrid cube mesh: no five GPUs are all NVLinked).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

// All three arrive at 0 and run 1 h of work; FIFO places them in order.
//   split:    5 GPUs on node 0 -> {0,1,2,3,4}, not all NVLinked: PCIe split
//   linked:   2 GPUs, node 0 (most allocated with a linked pair) -> {5,6}: NVLinked
//   spanning: 2 pods x 1 GPU -> node 0 GPU 7 and node 1 GPU 0: across nodes
const char* kTrace =
    "job_id,submit,duration,gpus,pods\n"
    "split,0,1h,5,1\n"
    "linked,0,1h,2,1\n"
    "spanning,0,1h,1,2\n";

world::RunResult run(const std::string& topology_key) {
  const std::string trace = ::testing::TempDir() + "topology_slowdown_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(trace) << kTrace;
  const std::string yaml =
      "name: topo\ncluster:\n  pools:\n    - {name: p3, instance_type: p3.16xlarge, count: 2}\n"
      "scheduler:\n  queue: fifo\n  placement: topology-aware\n"
      "workload:\n  - name: trace\n    csv: " + trace + "\n" + topology_key;
  const auto s = scenario::parse_scenario(yaml, "topo.yaml", "", {});
  sim::NullRecorder rec;
  world::World w(s, 1, rec);
  auto r = w.run();
  std::filesystem::remove(trace);
  return r;
}

TEST(TopologySlowdownRun, SplitJobsTakeLongerByTheirSlowdown) {
  const auto r = run("    topology: {pcie_slowdown: 0.25, cross_node_slowdown: 1.0}\n");
  ASSERT_EQ(r.jobs.size(), 3u);
  for (const auto& rc : r.records) {
    EXPECT_EQ(rc.status, world::JobStatus::succeeded);
    EXPECT_EQ(rc.first_start, 0);
  }
  EXPECT_EQ(r.records[0].nodes, (std::vector<models::NodeId>{0}));
  EXPECT_EQ(r.records[1].nodes, (std::vector<models::NodeId>{0}));
  EXPECT_EQ(r.records[2].nodes, (std::vector<models::NodeId>{0, 1}));
  // split: 3600 s x (1 + 0.25) = 4500 s (rate 0.8; within the model's 1 µs rounding).
  EXPECT_DOUBLE_EQ(r.records[0].topology_rate, 1 / 1.25);
  EXPECT_NEAR(sim::to_seconds(r.records[0].end), 4500, 1e-5);
  // linked: NVLinked, full rate.
  EXPECT_EQ(r.records[1].topology_rate, 1.0);
  EXPECT_EQ(r.records[1].end, sim::kHour);
  // spanning: 3600 s x (1 + 1.0) = 7200 s.
  EXPECT_EQ(r.records[2].topology_rate, 0.5);
  EXPECT_EQ(r.records[2].end, 2 * sim::kHour);
}

TEST(TopologySlowdownRun, NoTopologyKeyNoSlowdown) {
  const auto r = run("");
  ASSERT_EQ(r.jobs.size(), 3u);
  for (const auto& rc : r.records) {
    EXPECT_EQ(rc.topology_rate, 1.0);
    EXPECT_EQ(rc.end, sim::kHour);
  }
}

}  // namespace
}  // namespace fleetsim
