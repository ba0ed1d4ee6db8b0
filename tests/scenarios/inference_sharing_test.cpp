// scenarios/inference-sharing.yaml: the same inference arrivals on one
// p4d.24xlarge with whole GPUs, MIG (3 x 2g.10gb per A100) and time-slicing
// (7 replicas). What the scenario's comment promises must hold at its seed.
#include <gtest/gtest.h>

#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

analysis::Summary run(const std::string& sharing) {
  const auto s = scenario::load_scenario(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/inference-sharing.yaml",
                                         {"cluster.pools[0].sharing=" + sharing});
  sim::NullRecorder rec;
  return analysis::summarize(world::World(s, s.seed, rec).run());
}

TEST(InferenceSharingScenario, SharingServesMoreForTheSameBillAndTimeSlicingRisksMemory) {
  const auto whole = run("null");
  const auto mig = run("{mode: mig, strategy: single, layout: [2g.10gb, 2g.10gb, 2g.10gb]}");
  const auto ts = run("{mode: time-slicing, replicas: 7}");
  // One node for the whole day in every case: the same bill.
  EXPECT_DOUBLE_EQ(whole.cost_total, mig.cost_total);
  EXPECT_DOUBLE_EQ(whole.cost_total, ts.cost_total);
  // Whole GPUs: allocated all day, busy 5-15% of it (the workloads' utilization).
  EXPECT_GT(whole.gpu_allocation, 0.95);
  EXPECT_NEAR(whole.allocated_gpu_utilization, 0.10, 0.02);
  // MIG: 3 instances per GPU serve more; each instance is a third of a GPU.
  EXPECT_GT(mig.jobs_succeeded, 2 * whole.jobs_succeeded);
  EXPECT_GT(mig.allocated_gpu_utilization, 2.5 * whole.allocated_gpu_utilization);
  EXPECT_EQ(mig.oom_kills, 0u);  // every model fits a 10 GB instance
  // Time-slicing: more still, but without memory isolation pods crash and some fail.
  EXPECT_GT(ts.jobs_succeeded, mig.jobs_succeeded);
  EXPECT_GT(ts.oom_kills, 0u);
  EXPECT_GT(ts.jobs_failed, 0u);
  EXPECT_GE(ts.slowdown.mean, 1.0);
  EXPECT_EQ(whole.oom_kills + mig.oom_kills, 0u);
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// scenarios/mig-dynamic.yaml: most pods want 1g.5gb instances, which NVIDIA's
// balanced layout offers two of per GPU; re-partitioning serves more, sooner.
TEST(MigDynamicScenario, RepartitioningServesMoreThanTheStaticLayout) {
  auto run = [](const std::string& partitioning) {
    const auto s = scenario::load_scenario(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/mig-dynamic.yaml",
                                           {"mig_partitioning=" + partitioning});
    sim::NullRecorder rec;
    return analysis::summarize(world::World(s, s.seed, rec).run());
  };
  const auto fixed = run("static"), dynamic = run("dynamic");
  EXPECT_EQ(fixed.mig_reconfigurations, 0u);
  EXPECT_GT(dynamic.mig_reconfigurations, 0u);
  EXPECT_GT(dynamic.jobs_succeeded, fixed.jobs_succeeded);
  EXPECT_LT(dynamic.wait_s.mean, fixed.wait_s.mean);
  EXPECT_GT(dynamic.gpu_allocation, fixed.gpu_allocation);
}

}  // namespace
}  // namespace fleetsim
