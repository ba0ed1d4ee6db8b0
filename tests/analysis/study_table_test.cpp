// The static-vs-dynamic study, part (1): the published cost table to the dollar
// under its own assumptions, from runs of scenarios/study/ (which this test
// runs: they are the shipped scenarios of that folder) and the stated
// arithmetic; and the purchased bill of a run adds up to its node bill.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "analysis/purchases.hpp"
#include "analysis/study_table.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kStudy = fs::path(FLEETSIM_SOURCE_DIR) / "scenarios" / "study";

Summary run(const std::string& file) { return run_study_scenario((kStudy / file).string()); }

double dollars(double usd) { return std::round(usd); }

TEST(StudyTable, EveryScenarioOfTheFolderIsRunHere) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kStudy))
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  // Part (2)'s scenarios are run in study_simulated_test.cpp.
  EXPECT_EQ(files, (std::vector<std::string>{"dynamic-inference.yaml", "simulated-batch.yaml",
                                             "simulated-inference.yaml", "simulated-static-inference.yaml",
                                             "simulated-training.yaml", "static.yaml"}));
}

TEST(StudyTable, StaticScenarioBillsThePublishedStaticColumn) {
  const auto st = run("static.yaml");
  // 720 h x $7.00: 3 nodes $15,120, 2 nodes $10,080, 1 node $5,040.
  EXPECT_NEAR(st.cost_by_pool.at("inference"), 15120, 1e-6);
  EXPECT_NEAR(st.cost_by_pool.at("training"), 10080, 1e-6);
  EXPECT_NEAR(st.cost_by_pool.at("batch"), 5040, 1e-6);
  EXPECT_NEAR(st.cost_total, 30240, 1e-6);
  EXPECT_NEAR(st.cost_allocated + st.cost_idle, st.cost_total, 1e-6);
  EXPECT_EQ(st.jobs_succeeded, 93u);  // 60 training, 30 batch and the 3 endpoints, which end at the horizon
  EXPECT_FALSE(st.purchases);
}

TEST(StudyTable, DynamicInferenceIsThreeReservedEndpointsAtFourTwenty) {
  const auto d = run("dynamic-inference.yaml");
  ASSERT_TRUE(d.purchases);
  const auto& p = *d.purchases;
  // Effective: 3 x (18,396 / 8,760 + 2.10) x 720 h = 3 x 4.20 x 720 = $9,072.
  EXPECT_NEAR(p.effective_usd, 9072, 1e-6);
  // List: 3 x $6.00 x 720 h = $12,960, which is also the run's node bill.
  EXPECT_NEAR(p.list_usd, 12960, 1e-6);
  EXPECT_NEAR(p.list_usd, d.cost_total, 1e-6);
  EXPECT_NEAR(p.unused_usd, 0, 1e-9);
  EXPECT_EQ(p.commitments, (std::vector<std::string>{"reserved 3 x study-a10g 1y partial-upfront"}));
  // allocated + idle = the node bill; the commitment savings are the difference to the effective bill.
  EXPECT_NEAR(d.cost_allocated + d.cost_idle, p.list_usd, 1e-6);
  EXPECT_NEAR(p.list_usd - p.effective_usd, 3888, 1e-6);
}

TEST(StudyTable, PublishedTableToTheDollar) {
  const auto t = study_table(run("static.yaml"), run("dynamic-inference.yaml"));
  ASSERT_EQ(t.lines.size(), 3u);
  const double published[3][2] = {{15120, 9072}, {10080, 1680}, {5040, 756}};
  const double savings[3] = {0.40, 0.83, 0.85};  // as printed, rounded to whole percent
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(dollars(t.lines[i].static_usd), published[i][0]) << t.lines[i].component;
    EXPECT_EQ(dollars(t.lines[i].dynamic_usd), published[i][1]) << t.lines[i].component;
    EXPECT_NEAR(t.lines[i].static_usd, published[i][0], 0.005);
    EXPECT_NEAR(t.lines[i].dynamic_usd, published[i][1], 0.005);
    EXPECT_EQ(std::round(100 * t.lines[i].saving()), 100 * savings[i]) << t.lines[i].component;
  }
  EXPECT_EQ(dollars(t.static_usd), 30240);
  EXPECT_EQ(dollars(t.dynamic_usd), 11508);
  EXPECT_EQ(std::round(100 * t.saving()), 62);  // 1 - 11,508 / 30,240 = 61.94%
  EXPECT_EQ(t.lines[1].dynamic_arithmetic, "2 jobs x 4 h/day x 30 d = 240 node-h x $7.00/h (0% spot discount)");
  EXPECT_EQ(t.lines[2].dynamic_arithmetic, "8 h/day x 30 d = 240 node-h x $3.15/h (55% spot discount)");
}

TEST(Purchases, UsageCurveAddsUpToTheNodeBill) {
  // The billing minimum and partial hours: a scenario whose nodes run 30 s and 90 min.
  const auto sc = scenario::parse_scenario(
      "name: u\nhorizon: 5400s\ncluster:\n  pools:\n    - {name: a, instance_type: g5.xlarge, count: 1}\n"
      "purchasing: {policy: reserved-baseline}\n"
      "workload:\n  - name: w\n    synthetic:\n      count: 1\n      arrivals: {rate: 1/h}\n"
      "      duration: {distribution: exponential, mean: 1h}\n      shapes: [{weight: 1, gpus_per_pod: 1}]\n",
      "u.yaml", "");
  sim::NullRecorder rec;
  world::World w(sc, sc.seed, rec);
  const auto r = w.run();
  auto s = summarize(r);
  add_purchases(s, r, sc.purchasing);
  const auto usage = usage_curve(r);
  ASSERT_EQ(usage.size(), 2u);  // 5,400 s = 1.5 clock hours
  EXPECT_DOUBLE_EQ(usage[0][0].instance_hours, 1.0);
  EXPECT_DOUBLE_EQ(usage[1][0].instance_hours, 0.5);
  ASSERT_TRUE(s.purchases);
  EXPECT_NEAR(s.purchases->list_usd, s.cost_total, 1e-9);
  // g5.xlarge: $1.006 on-demand, $0.63378 reserved (break-even 63%); the unit is used 1.5 / 2 = 75% of
  // hours, so reserved-baseline buys 1: 2 h x 0.63378 (half an hour unused).
  EXPECT_EQ(s.purchases->commitments, (std::vector<std::string>{"reserved 1 x g5.xlarge 1y no-upfront"}));
  EXPECT_NEAR(s.purchases->effective_usd, 2 * 0.63378, 1e-9);
  EXPECT_NEAR(s.purchases->unused_usd, 0.5 * 0.63378, 1e-9);
}

}  // namespace
}  // namespace fleetsim::analysis
