// Spot pools inside a run: interruptions at the configured rate, reclaimed
// nodes replaced, AWS's first-hour refund, and money still adding up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

struct Outcome {
  std::unique_ptr<scenario::Scenario> s;
  world::RunResult r;
  analysis::Summary sum;
};

Outcome run(const std::string& spot, const std::string& trace_rows, const std::string& horizon, int nodes) {
  const std::string trace = ::testing::TempDir() + "spot_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus\n" << trace_rows;
  const std::string yaml = "name: spot\nseed: 3\nhorizon: " + horizon +
                           "\ncluster:\n  pools:\n    - {name: s, instance_type: g5.xlarge, count: " +
                           std::to_string(nodes) + ", capacity_type: spot, spot: " + spot +
                           "}\nworkload:\n  - {name: t, csv: " + trace +
                           ", checkpoint: {interval: 1h, write: 1m, restore: 1m}}\n";
  Outcome o;
  o.s = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "spot.yaml", ""));
  analysis::MemoryRecorder rec;
  world::World w(*o.s, o.s->seed, rec);
  o.r = w.run();
  o.sum = analysis::summarize(o.r);
  std::filesystem::remove(trace);
  return o;
}

TEST(Spot, InterruptionsFollowTheConfiguredRate) {
  // 20 nodes kept at 20 (reclaimed nodes are replaced; replacements take 30 s +
  // 4 min, so the pool is full almost all the time) for 60 days at a monthly
  // interruption probability of 0.9: rate -ln(0.1)/30 d per node.
  Outcome o = run("{discount: 0.6, interruption: 0.9}", "j,0,1h,1\n", "60d", 20);
  const double expected = 20 * 60 * (-std::log(0.1) / 30);  // 92.1
  const double half = 2.576 * std::sqrt(expected);           // 99% Poisson (normal approx.)
  EXPECT_NEAR(static_cast<double>(o.sum.interruptions), expected, half);
  EXPECT_GT(o.sum.interruptions, 0u);
  // Every reclaimed node was replaced: 20 running at the end.
  EXPECT_EQ(o.r.cluster.nodes_running(), 20);
  EXPECT_EQ(o.r.cluster.nodes().size(), 20 + o.sum.interruptions);
}

TEST(Spot, ReclaimedInTheFirstHourIsFreeAndMoneyAddsUp) {
  // Many long jobs on frequently reclaimed nodes: some nodes go within their
  // first hour and cost nothing, and their jobs are charged nothing for them.
  std::string rows;
  for (int i = 0; i < 40; ++i) rows.append("j").append(std::to_string(i)).append(",0,30h,1\n");
  // 400 nodes at 0.99/month: ~600 reclaims in 10 days, ~0.6% of them in a node's first hour.
  Outcome o = run("{discount: 0.6, interruption: 0.99}", rows, "10d", 400);
  int free_nodes = 0;
  double jobs = 0, idle = 0;
  for (const auto& rec : o.r.records) jobs += rec.cost_usd;
  for (const auto& n : o.r.cluster.nodes()) {
    const auto& b = o.r.bills[n.id];
    idle += b.idle_usd;
    if (b.reclaimed && b.lifetime_s < 3600) {
      ++free_nodes;
      EXPECT_DOUBLE_EQ(b.cost_usd, 0.0) << n.name;
      EXPECT_DOUBLE_EQ(b.allocated_usd, 0.0) << n.name;
    } else if (n.launched != sim::kNever) {
      // Otherwise per second at the spot price, with the 60 s minimum.
      EXPECT_NEAR(b.cost_usd, n.usd_per_hour * b.billed_s / 3600, 1e-9) << n.name;
    }
  }
  EXPECT_GT(free_nodes, 0);
  EXPECT_NEAR(jobs + idle, o.sum.cost_total, 1e-6 * o.sum.cost_total);
  // With a 2 min notice and a 1 min write, interrupted jobs save their work.
  EXPECT_GT(o.sum.evictions, 0u);
  EXPECT_DOUBLE_EQ(o.sum.lost_gpu_hours, 0.0);
  EXPECT_EQ(o.sum.jobs_succeeded, 40u);
}

TEST(Spot, SpotPriceIsTheDiscountedOnDemandPrice) {
  Outcome o = run("{discount: 0.6, interruption: '<5%'}", "j,0,1h,1\n", "2h", 1);
  const auto* t = o.s->catalog.find("g5.xlarge");
  ASSERT_NE(t, nullptr);
  EXPECT_NEAR(o.r.cluster.nodes()[0].usd_per_hour, t->ondemand_usd_per_hour * 0.4, 1e-12);
  EXPECT_NEAR(o.sum.cost_by_capacity_type.at("spot"), o.sum.cost_total, 1e-12);
}

}  // namespace
}  // namespace fleetsim
