// Sequential seeding: each point adds seeds until its interval is narrow
// enough. The runs chosen, and the aggregate's bytes, do not depend on threads,
// a kill and resume, or shards.
#include <cmath>
#include <filesystem>
#include <limits>

#include "analysis/stats.hpp"
#include "analysis/sweep_runner.hpp"
#include "analysis/sweep_sequential.hpp"
#include "tests/analysis/sweep_fixture.hpp"
#include "util/input_error.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

TEST(SeedsNeeded, StopsWhenTheIntervalIsNarrowEnough) {
  scenario::SweepSequential rule;
  rule.metric = "m";
  rule.half_width = 1.0;
  using V = std::vector<double>;
  EXPECT_EQ(analysis::seeds_needed(rule, 10, V{}), 3u);
  EXPECT_EQ(analysis::seeds_needed(rule, 10, V{5, 5}), 3u);
  EXPECT_EQ(analysis::seeds_needed(rule, 10, V{5, 5, 5}), 3u);      // half-width 0: done
  EXPECT_EQ(analysis::seeds_needed(rule, 10, V{0, 10, 0}), 4u);     // half-width 14.3: one more
  EXPECT_EQ(analysis::seeds_needed(rule, 4, V{0, 10, 0, 10}), 4u);  // all seeds run: done
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(analysis::seeds_needed(rule, 10, V{nan, 5, 5}), 3u);  // runs without the metric are left out
  // Relative: half-width 2.48 (t(2) x 1 / sqrt 3) against 5% of 100.
  scenario::SweepSequential relative;
  relative.metric = "m";
  relative.relative = 0.05;
  EXPECT_EQ(analysis::seeds_needed(relative, 10, V{100, 101, 99}), 3u);
  relative.relative = 0.02;
  EXPECT_EQ(analysis::seeds_needed(relative, 10, V{100, 101, 99}), 4u);
}

class SweepSequentialRun : public testing_sweep::SweepFolder {
 protected:
  void SetUp() override {
    SweepFolder::SetUp();
    // With one node waits vary too much to reach +-1000 s in 12 seeds; with two
    // nodes they reach it after a few.
    write("spec.yaml",
          "scenario: tiny.yaml\n"
          "parameters:\n"
          "  - {path: scheduler.placement, values: [first-fit, spread]}\n"
          "  - {path: 'cluster.pools[0].count', values: [1, 2]}\n"
          "baseline: {scheduler.placement: first-fit, 'cluster.pools[0].count': 2}\n"
          "sequential: {metric: wait_mean_s, half_width: 1000}\n"
          "seeds: 12\n");
  }
  analysis::SweepStatus run(const std::string& out, int threads, std::size_t shard = 0, std::size_t shards = 1) {
    analysis::SweepOptions o;
    o.threads = threads;
    o.shard = shard;
    o.shards = shards;
    return analysis::run_sweep(analysis::plan_sweep(path("spec.yaml")), path(out), o);
  }
  void expect_same(const std::string& a, const std::string& b) {
    for (const char* f : {"sweep.csv", "summary.csv", "paired.csv", "effects.csv", "surface.csv", "sweep.h5"}) {
      ASSERT_TRUE(fs::exists(path(a + "/" + f))) << a << "/" << f;
      EXPECT_EQ(bytes(path(a + "/" + f)), bytes(path(b + "/" + f))) << f;
    }
  }
  // The wait_mean_s of each seed a point ran, in seed order.
  std::vector<double> waits(const std::string& out, std::size_t point) {
    const auto plan = analysis::plan_sweep(path("spec.yaml"));
    std::vector<double> v;
    for (std::size_t s = 0; s < 12; ++s)
      if (auto r = analysis::read_run(path(out), point * 12 + s, plan.info.identity))
        for (const auto& m : r->metrics)
          if (m.first == "wait_mean_s") v.push_back(m.second);
    return v;
  }
};

TEST_F(SweepSequentialRun, EachPointStopsWhereTheRuleSays) {
  auto st = run("out", 2);
  ASSERT_TRUE(st.complete);
  std::size_t total = 0;
  for (std::size_t p = 0; p < 4; ++p) {
    const auto w = waits("out", p);
    total += w.size();
    ASSERT_GE(w.size(), 3u) << "point " << p;
    const auto ci = [&](std::size_t n) { return analysis::mean_ci95({w.begin(), w.begin() + n}).half_width; };
    if (w.size() < 12) {
      EXPECT_LE(ci(w.size()), 1000) << "point " << p;
    }
    for (std::size_t n = 3; n < w.size(); ++n) EXPECT_GT(ci(n), 1000) << "point " << p << " stopped late at " << n;
  }
  EXPECT_EQ(st.ran, total);
  EXPECT_EQ(st.in_shard, total);
  EXPECT_EQ(waits("out", 0).size(), 12u);  // one node: never narrow enough
  EXPECT_LT(waits("out", 1).size(), 12u);  // two nodes: stops early
  const std::string csv = bytes(path("out/sweep.csv"));
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), 2 + total);
  EXPECT_NE(bytes(path("out/summary.csv")).find(",wait_mean_s," + std::to_string(waits("out", 1).size()) + ","),
            std::string::npos);
}

TEST_F(SweepSequentialRun, SameBytesForThreadsResumeAndShards) {
  run("one", 1);
  run("two", 2);
  expect_same("one", "two");
  // A kill: the aggregate and some runs gone (also runs the rule would stop before).
  run("killed", 2);
  fs::remove(path("killed/sweep.csv"));
  fs::remove(path("killed/paired.csv"));
  fs::remove(path("killed/effects.csv"));
  for (std::size_t k : {3u, 11u, 14u, 40u}) fs::remove(analysis::run_file(path("killed"), k));
  EXPECT_FALSE(run("killed", 2).ran == 0);
  expect_same("one", "killed");
  // Shards by point: a sequential point's seeds stay together.
  run("s0", 1, 0, 2);
  EXPECT_FALSE(fs::exists(path("s0/sweep.csv")));
  EXPECT_TRUE(fs::exists(analysis::run_file(path("s0"), 2 * 12)));   // point 2
  EXPECT_FALSE(fs::exists(analysis::run_file(path("s0"), 1 * 12)));  // point 1 belongs to shard 1
  run("s1", 2, 1, 2);
  analysis::merge_sweep(analysis::plan_sweep(path("spec.yaml")), {path("s0"), path("s1")}, path("merged"));
  expect_same("one", "merged");
}

TEST_F(SweepSequentialRun, RefusesAMetricTheRunsDoNotHave) {
  write("spec.yaml",
        "scenario: tiny.yaml\n"
        "parameters:\n  - {path: scheduler.placement, values: [first-fit, spread]}\n"
        "sequential: {metric: wait_mean, half_width: 1000}\n"
        "seeds: 12\n");
  try {
    run("out", 2);
    FAIL() << "ran with an unknown metric";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(path("spec.yaml") + ":4: sequential.metric: expected a metric of the runs (did you mean "
                                          "'wait_mean_s'?) (cost_usd, ",
                      0),
              0u)
        << m;
  }
  EXPECT_FALSE(fs::exists(path("out/sweep.csv")));
}

}  // namespace
}  // namespace fleetsim
