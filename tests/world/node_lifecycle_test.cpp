// Node lifecycle under a provisioner: launch delay, boot delay, billing from
// running to termination, launch failures. A tiny provisioner registered here
// launches one node when work is pending and removes empty nodes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "policies/provisioning/provisioner.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

using models::NodeState;

class OneAtATime final : public policies::Provisioner {
 public:
  sim::SimTime period() const override { return 10 * sim::kSecond; }
  void reconcile(const policies::ProvisioningView& v, sim::Rng&, policies::ProvisioningActions& a) override {
    bool starting = false;
    for (const auto& n : v.cluster.nodes())
      starting = starting || n.state == NodeState::launching || n.state == NodeState::booting;
    if (!v.unschedulable.empty() && !starting) a.launch.push_back({0, 1});
    if (v.unschedulable.empty())
      for (const auto& n : v.cluster.nodes())
        if (n.state == NodeState::ready && n.pods.empty()) a.remove.push_back(n.id);
  }
};

const bool registered = policies::ProvisionerRegistry::instance().add(
    {"test-one-at-a-time", "test only", {}, [](const Params&) { return std::make_unique<OneAtATime>(); }});

struct Outcome {
  std::unique_ptr<scenario::Scenario> s;
  world::RunResult r;
  analysis::Summary sum;
};

Outcome run(const std::string& pool_extra, const std::string& horizon) {
  const std::string trace = ::testing::TempDir() + "lifecycle_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus\nJ,0,1h,1\n";
  const std::string yaml = "name: lifecycle\nhorizon: " + horizon +
                           "\ncluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 0, max: 2, "
                           "usd_per_hour: 3.6, launch_delay: 30s, boot_delay: 4m" +
                           pool_extra + "}\nprovisioning: test-one-at-a-time\nworkload:\n  - {name: t, csv: " + trace +
                           "}\n";
  Outcome out;
  out.s = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "lifecycle.yaml", ""));
  analysis::MemoryRecorder rec;
  world::World w(*out.s, 1, rec);
  out.r = w.run();
  out.sum = analysis::summarize(out.r);
  std::filesystem::remove(trace);
  return out;
}

TEST(NodeLifecycle, LaunchBootRunRemove) {
  // Tick at 10 s sees the job pending (it arrived at 0, after the t=0 tick):
  // node requested at 10 s, running (billed) at 40 s, Ready at 280 s; the job
  // runs 280 s .. 3880 s; the tick at 3880 s (after the completion) removes the
  // empty node. The tick at 280 s runs the pending scheduling cycle first, so it
  // sees the job placed on the new node and asks for nothing more.
  Outcome o = run("", "2h");
  ASSERT_EQ(o.r.cluster.nodes().size(), 1u);
  const auto& n = o.r.cluster.nodes()[0];
  EXPECT_EQ(n.requested_at, 10 * sim::kSecond);
  EXPECT_EQ(n.launched, 40 * sim::kSecond);
  EXPECT_EQ(n.ready_at, 280 * sim::kSecond);
  EXPECT_EQ(n.terminated, 3880 * sim::kSecond);
  EXPECT_EQ(n.state, NodeState::terminated);
  EXPECT_EQ(o.r.records[0].first_start, 280 * sim::kSecond);
  EXPECT_EQ(o.r.records[0].end, 3880 * sim::kSecond);
  // Billed 3840 s at $3.60/h = $3.84; the job used 3600 s = $3.60; $0.24 idle
  // (the 240 s boot).
  EXPECT_DOUBLE_EQ(o.r.bills[0].lifetime_s, 3840.0);
  EXPECT_NEAR(o.sum.cost_total, 3.84, 1e-9);
  EXPECT_NEAR(o.r.records[0].cost_usd, 3.60, 1e-9);
  EXPECT_NEAR(o.sum.cost_idle, 0.24, 1e-9);
  EXPECT_EQ(o.sum.nodes, 1u);
  EXPECT_DOUBLE_EQ(o.sum.wait_s.mean, 280.0);
}

TEST(NodeLifecycle, FailedLaunchIsNeverBilled) {
  // With a 99% failure probability this seed's first launch fails: the node
  // stays launching, never runs, costs nothing, and the job is still queued.
  Outcome o = run(", launch_failure_probability: 0.99", "1h");
  ASSERT_EQ(o.r.cluster.nodes().size(), 1u);
  EXPECT_EQ(o.r.cluster.nodes()[0].state, NodeState::launching);
  EXPECT_EQ(o.r.cluster.nodes()[0].launched, sim::kNever);
  EXPECT_DOUBLE_EQ(o.sum.cost_total, 0.0);
  EXPECT_EQ(o.sum.nodes, 0u);
  EXPECT_EQ(o.sum.jobs_queued, 1u);
}

}  // namespace
}  // namespace fleetsim
