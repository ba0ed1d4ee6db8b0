// Spot pools inside a run: interruptions at the configured rate, reclaimed
// nodes replaced, AWS's first-hour refund, and money still adding up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "util/input_error.hpp"
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

namespace fleetsim {
namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name + "_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << text;
  return path;
}

TEST(SpotTrace, RecordedInterruptionsHappenWhenTheTraceSays) {
  // 4 spot nodes, replaced when reclaimed (30 s launch + 4 min boot). The trace
  // reclaims 2 nodes at 1 h, then half of the running ones (4 again by then) at
  // 3 h, and 9 at 5 h (capped at the 4 running): 2 + 2 + 4 = 8 interruptions.
  const std::string counts = write_file("counts", "time,nodes\n1h,2\n5h,9\n");
  const std::string shares = write_file("shares", "time,share\n3h,0.5\n");
  auto run_with = [&](const std::string& file) {
    return std::string("{discount: 0.6, interruption_csv: ") + file + "}";
  };
  // Counts and shares come from separate files here: one pool each.
  const std::string yaml = "name: trace\nseed: 3\nhorizon: 6h\ncluster:\n  pools:\n"
                           "    - {name: a, instance_type: g5.xlarge, count: 4, capacity_type: spot, spot: " +
                           run_with(counts) + "}\n    - {name: b, instance_type: g5.xlarge, count: 4, "
                           "capacity_type: spot, spot: " + run_with(shares) + "}\n" +
                           "workload:\n  - {name: t, synthetic: {count: 1, arrivals: {rate: 1/h}, duration: "
                           "{distribution: exponential, mean: 1m}, shapes: [{weight: 1, pods: 1, gpus_per_pod: 1, "
                           "cpu_milli_per_pod: 1000, memory_mib_per_pod: 1024}]}}\n";
  const auto s = scenario::parse_scenario(yaml, "trace.yaml", "");
  analysis::MemoryRecorder rec;
  const auto r = world::World(s, s.seed, rec).run();
  std::map<std::string, int> reclaimed;
  for (const auto& n : r.cluster.nodes())
    if (r.bills[n.id].reclaimed) {
      reclaimed[r.cluster.pools()[n.pool].name]++;
      // Reclaimed 2 min (AWS notice) after a trace time.
      const sim::SimTime at = n.terminated - 2 * sim::kMinute;
      EXPECT_TRUE(at == sim::kHour || at == 3 * sim::kHour || at == 5 * sim::kHour) << sim::to_seconds(at);
    }
  EXPECT_EQ(reclaimed["a"], 2 + 4);  // 2 at 1 h; 9 asked at 5 h, 4 running
  EXPECT_EQ(reclaimed["b"], 2);      // half of 4 at 3 h
  EXPECT_EQ(r.interruptions, 8u);
  for (const auto& f : {counts, shares}) std::filesystem::remove(f);
}

TEST(SpotTrace, BadTraceFilesSayWhatIsWrong) {
  auto error_of = [](const std::string& text) {
    const std::string path = write_file("bad", text);
    std::string what;
    try {
      models::SpotInterruptionTrace::load_csv(path, "g5.xlarge");
    } catch (const InputError& e) {
      what = e.what();
    }
    std::filesystem::remove(path);
    return what.substr(what.find(".csv") + 4);
  };
  EXPECT_EQ(error_of("time,nodes,share\n1h,1,0.5\n"),
            ": expected a column `nodes` (nodes reclaimed) or `share` (share of the pool's running spot nodes "
            "reclaimed), exactly one of them");
  EXPECT_EQ(error_of("time,nodes\n2h,1\n1h,1\n"),
            ":3: time: expected a time later than the previous row's 02:00:00 (rows must be in increasing time "
            "order), got '1h'");
  EXPECT_EQ(error_of("time,share\n1h,1.5\n"),
            ":2: share: expected a share of the pool's running spot nodes in (0, 1], got '1.5'");
  EXPECT_EQ(error_of("time,nodes\n1h,0\n"), ":2: nodes: expected a whole number of nodes >= 1, got '0'");
  EXPECT_EQ(error_of("time,nodes,instance_type\n1h,1,p4d.24xlarge\n"), ": no rows for instance type 'g5.xlarge'");
}

}  // namespace
}  // namespace fleetsim
