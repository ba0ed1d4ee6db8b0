// The Cluster Autoscaler inside a whole run: conservation of jobs and money,
// pool bounds, and the safe-to-evict annotation.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

struct Outcome {
  std::unique_ptr<scenario::Scenario> s;
  analysis::MemoryRecorder rec;
  world::RunResult r;
  analysis::Summary sum;
};

std::unique_ptr<Outcome> run_ca(const std::vector<std::string>& sets) {
  auto o = std::make_unique<Outcome>();
  o->s = std::make_unique<scenario::Scenario>(
      scenario::load_scenario(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/cluster-autoscaler.yaml", sets));
  world::World w(*o->s, o->s->seed, o->rec);
  o->r = w.run();
  o->sum = analysis::summarize(o->r);
  return o;
}

TEST(Autoscaling, ConservesJobsAndMoneyAndRespectsPoolBounds) {
  auto o = run_ca({"horizon=20h"});
  const auto& s = o->sum;
  EXPECT_EQ(s.jobs_succeeded + s.jobs_running + s.jobs_queued + s.jobs_not_arrived, s.jobs_total);
  EXPECT_GT(s.jobs_succeeded, 50u);
  EXPECT_GT(s.nodes, 1u);  // it scaled up and down
  EXPECT_LE(s.gpu_seconds_allocated, s.gpu_seconds_provisioned + 1e-6);
  double jobs = 0, idle = 0;
  for (const auto& rec : o->r.records) jobs += rec.cost_usd;
  for (const auto& b : o->r.bills) idle += b.idle_usd;
  EXPECT_NEAR(jobs + idle, s.cost_total, 1e-6 * s.cost_total);
  std::uint64_t evictions = 0;
  for (const auto& rec : o->r.records) evictions += static_cast<std::uint64_t>(rec.evictions);
  EXPECT_EQ(evictions, s.evictions);
  // Never more than max (8) nodes running, never more GPUs allocated than running.
  const auto* nodes = o->rec.find("nodes");
  ASSERT_NE(nodes, nullptr);
  for (double v : nodes->value) EXPECT_LE(v, 8.0);
  // Every node that ran was billed from running to termination (or the horizon).
  for (const auto& n : o->r.cluster.nodes()) {
    if (n.launched == sim::kNever) continue;
    const auto stop = std::min(n.terminated, o->r.end);
    EXPECT_DOUBLE_EQ(o->r.bills[n.id].lifetime_s, sim::to_seconds(stop - n.launched)) << n.name;
    if (n.ready_at != sim::kNever) {
      EXPECT_EQ(n.launched - n.requested_at, 40 * sim::kSecond) << n.name;
      EXPECT_EQ(n.ready_at - n.launched, 5 * sim::kMinute) << n.name;
    }
  }
}

TEST(Autoscaling, SafeToEvictFalseBlocksEvictions) {
  auto plain = run_ca({"horizon=20h"});
  auto protected_ = run_ca(
      {"horizon=20h", "workload[0].synthetic.labels={cluster-autoscaler.kubernetes.io/safe-to-evict: \"false\"}"});
  EXPECT_GT(plain->sum.evictions, 0u);  // the GPU utilisation rule does evict running jobs
  EXPECT_EQ(protected_->sum.evictions, 0u);
}

}  // namespace
}  // namespace fleetsim
