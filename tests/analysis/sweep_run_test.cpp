// Running sweeps: the same aggregate bytes for 1 and 2 threads, after a
// simulated kill and resume, and from 3 merged shards; partial sweeps never
// look complete; results of another spec are refused; every point of one seed
// sees the same arrivals.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "analysis/response_surface.hpp"
#include "analysis/stats.hpp"
#include "analysis/sweep_runner.hpp"
#include "sim/recorder.hpp"
#include "tests/analysis/h5_reader.hpp"
#include "tests/analysis/sweep_fixture.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;
using testing_sweep::SweepFolder;

class SweepRun : public SweepFolder {
 protected:
  analysis::SweepStatus run(const std::string& out, int threads, std::size_t shard = 0, std::size_t shards = 1) {
    analysis::SweepOptions o;
    o.threads = threads;
    o.shard = shard;
    o.shards = shards;
    return analysis::run_sweep(analysis::plan_sweep(path("spec.yaml")), path(out), o);
  }
  void expect_same_outputs(const std::string& a, const std::string& b) {
    for (const auto& f : analysis::sweep_outputs()) {
      ASSERT_TRUE(fs::exists(path(a + "/" + f))) << a << "/" << f;
      ASSERT_TRUE(fs::exists(path(b + "/" + f))) << b << "/" << f;
      EXPECT_EQ(bytes(path(a + "/" + f)), bytes(path(b + "/" + f))) << f;
    }
  }
};

TEST_F(SweepRun, WritesTheAggregateWithEveryRun) {
  auto st = run("out", 1);
  EXPECT_TRUE(st.complete);
  EXPECT_EQ(st.runs, 12u);
  EXPECT_EQ(st.ran, 12u);
  const std::string csv = bytes(path("out/sweep.csv"));
  EXPECT_EQ(csv.rfind("# fleetsim sweep tiny-sweep: fleetsim ", 0), 0u) << csv;
  EXPECT_NE(csv.find("\nrun,point,seed,scheduler.placement,cluster.pools[0].count,cost_usd,"), std::string::npos);
  EXPECT_NE(csv.find("\n0,0,5,first-fit,1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n11,3,7,spread,2,"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 14);
  const std::string summary = bytes(path("out/summary.csv"));
  EXPECT_NE(summary.find("\npoint,scheduler.placement,cluster.pools[0].count,metric,seeds,mean,ci95_half_width\n"),
            std::string::npos);
  EXPECT_NE(summary.find("\n3,spread,2,jobs_succeeded,3,12,0\n"), std::string::npos) << summary;
  for (const auto& e : fs::recursive_directory_iterator(path("out")))
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
  // sweep.h5: the same table, one dataset per column, and what made it.
  testing_h5::H5Reader h5(path("out/sweep.h5"));
  ASSERT_TRUE(h5.ok());
  EXPECT_EQ(h5.strings("/sweep/scheduler.placement"),
            (std::vector<std::string>{"first-fit", "first-fit", "first-fit", "first-fit", "first-fit", "first-fit",
                                      "spread", "spread", "spread", "spread", "spread", "spread"}));
  EXPECT_EQ(h5.doubles("/sweep/cluster.pools[0].count"), (std::vector<double>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(h5.doubles("/sweep/jobs_succeeded"), std::vector<double>(12, 12.0));
  EXPECT_EQ(h5.length("/summary/mean"), h5.length("/summary/metric"));
  const auto plan0 = analysis::plan_sweep(path("spec.yaml"));
  EXPECT_EQ(h5.string_attribute("spec_hash"), plan0.info.identity.spec_hash);
  EXPECT_EQ(h5.string_attribute("spec"), bytes(path("spec.yaml")));
  // A run's file holds exactly the numbers the run computed (doubles round-trip).
  const auto plan = analysis::plan_sweep(path("spec.yaml"));
  const auto stored = analysis::read_run(path("out"), 7, plan.info.identity);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->metrics, analysis::run_point(plan, 7).metrics);
  EXPECT_EQ(stored->assignments, plan.design.assignments(2));
}

// effects.csv and surface.csv: main effects per metric, parameter and level,
// and the fits on the numeric parameter (the node count; the placement is a
// name and not a regressor).
TEST_F(SweepRun, WritesMainEffectsAndResponseSurfaces) {
  run("out", 2);
  const auto plan = analysis::plan_sweep(path("spec.yaml"));
  std::vector<double> wait;
  for (std::size_t k = 0; k < 12; ++k) {
    const auto record = analysis::read_run(path("out"), k, plan.info.identity);
    ASSERT_TRUE(record) << k;
    for (const auto& m : record->metrics)
      if (m.first == "wait_mean_s") wait.push_back(m.second);
  }
  ASSERT_EQ(wait.size(), 12u);
  const std::string effects = bytes(path("out/effects.csv"));
  EXPECT_EQ(effects.rfind("# fleetsim sweep tiny-sweep: fleetsim ", 0), 0u) << effects;
  EXPECT_NE(effects.find("\nmetric,parameter,level,mean,count,effect_range\n"), std::string::npos) << effects;
  EXPECT_NE(effects.find("\njobs_succeeded,scheduler.placement,first-fit,12,6,0\n"), std::string::npos) << effects;
  // One node (runs 0-2 and 6-8) against two (3-5 and 9-11).
  double one = 0, two = 0;
  for (std::size_t k = 0; k < 12; ++k) (k % 6 < 3 ? one : two) += wait[k];
  one /= 6;
  two /= 6;
  const std::string range = analysis::number_text(std::max(one, two) - std::min(one, two));
  EXPECT_NE(effects.find("\nwait_mean_s,cluster.pools[0].count,1," + analysis::number_text(one) + ",6," + range + "\n"),
            std::string::npos)
      << effects;
  const std::string surface = bytes(path("out/surface.csv"));
  EXPECT_NE(surface.find("\nmetric,model,term,coefficient,note\n"), std::string::npos) << surface;
  EXPECT_NE(surface.find("\njobs_succeeded,linear,skipped,,the metric is 12 in every run (nothing to explain)\n"),
            std::string::npos)
      << surface;
  // Two levels of the count: the linear fit is the line through the two level means.
  EXPECT_NE(surface.find("\nwait_mean_s,linear,cluster.pools[0].count,"), std::string::npos) << surface;
  EXPECT_NE(surface.find("\nwait_mean_s,linear,runs,12,\n"), std::string::npos) << surface;
  EXPECT_NE(surface.find("\nwait_mean_s,quadratic,skipped,,cluster.pools[0].count has 2 distinct values (a square "
                         "term needs at least 3)\n"),
            std::string::npos)
      << surface;
  EXPECT_NE(surface.find("\nwait_mean_s,linear,excluded,,\"scheduler.placement: not numeric ('first-fit', 'spread'): "
                         "not a regressor, the fits average over its values\"\n"),
            std::string::npos)
      << surface;
  std::vector<analysis::ParameterColumn> count{{"cluster.pools[0].count", {}}};
  for (std::size_t k = 0; k < 12; ++k) count[0].values.push_back(k % 6 < 3 ? "1" : "2");
  const auto fit = analysis::fit_linear(analysis::numeric_regressors(count), wait);
  ASSERT_EQ(fit.skipped, "");
  EXPECT_NEAR(fit.coefficients[1].second, two - one, 1e-9 * std::max(1.0, std::abs(two - one)));
  EXPECT_NE(surface.find("\nwait_mean_s,linear,r2," + analysis::number_text(fit.r2) + ",\n"), std::string::npos)
      << surface;
}

TEST_F(SweepRun, OneAndTwoThreadsWriteTheSameBytes) {
  run("one", 1);
  auto st = run("two", 2);
  EXPECT_EQ(st.threads, 2);
  expect_same_outputs("one", "two");
}

TEST_F(SweepRun, ResumesAfterAKillWithTheSameAggregate) {
  run("full", 2);
  run("killed", 2);
  // A kill before the aggregate: it is absent, and some runs never finished.
  for (const auto& f : analysis::sweep_outputs()) fs::remove(path("killed/" + f));
  for (std::size_t k : {1u, 4u, 5u, 11u}) fs::remove(analysis::run_file(path("killed"), k));
  std::ofstream(analysis::run_file(path("killed"), 6) + ".partial.99") << "{half a fi";  // temporaries left behind
  std::ofstream(path("killed/sweep.csv.partial.99")) << "run,point";
  auto st = run("killed", 2);
  EXPECT_EQ(st.already, 8u);
  EXPECT_EQ(st.ran, 4u);
  EXPECT_TRUE(st.complete);
  expect_same_outputs("full", "killed");
  EXPECT_FALSE(fs::exists(analysis::run_file(path("killed"), 6) + ".partial.99"));
  EXPECT_FALSE(fs::exists(path("killed/sweep.csv.partial.99")));
  // Once more: nothing to run, same bytes.
  EXPECT_EQ(run("killed", 1).ran, 0u);
  expect_same_outputs("full", "killed");
}

TEST_F(SweepRun, AShardIsNeverComplete) {
  auto st = run("s0", 1, 0, 3);
  EXPECT_EQ(st.in_shard, 4u);
  EXPECT_FALSE(st.complete);
  for (const auto& f : analysis::sweep_outputs()) EXPECT_FALSE(fs::exists(path("s0/" + f))) << f;
  EXPECT_TRUE(fs::exists(analysis::run_file(path("s0"), 9)));
  EXPECT_FALSE(fs::exists(analysis::run_file(path("s0"), 10)));
}

TEST_F(SweepRun, ThreeShardsMergedEqualTheUnshardedSweep) {
  run("whole", 2);
  for (std::size_t i = 0; i < 3; ++i) run("s" + std::to_string(i), 1, i, 3);
  const auto plan = analysis::plan_sweep(path("spec.yaml"));
  EXPECT_THROW(analysis::merge_sweep(plan, {path("s0"), path("s2")}, path("merged")), InputError);
  EXPECT_FALSE(fs::exists(path("merged/sweep.csv")));
  analysis::merge_sweep(plan, {path("s0"), path("s1"), path("s2")}, path("merged"));
  expect_same_outputs("whole", "merged");
}

TEST_F(SweepRun, RefusesResultsOfAnotherSpec) {
  run("out", 2);
  write("spec.yaml", std::string(testing_sweep::kTinySpec) + "set: ['workload[0].synthetic.count=6']\n");
  try {
    run("out", 2);
    FAIL() << "mixed results of two specs";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds results of another sweep"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--fresh"), std::string::npos) << e.what();
  }
  analysis::SweepOptions o;
  o.fresh = true;
  auto st = analysis::run_sweep(analysis::plan_sweep(path("spec.yaml")), path("out"), o);
  EXPECT_EQ(st.ran, 12u);
  EXPECT_NE(bytes(path("out/summary.csv")).find("jobs_succeeded,3,6,0\n"), std::string::npos);
}

TEST_F(SweepRun, KeepsEachRunsResultsOnRequest) {
  run("plain", 2);
  analysis::SweepOptions o;
  o.keep_runs = true;
  analysis::run_sweep(analysis::plan_sweep(path("spec.yaml")), path("kept"), o);
  expect_same_outputs("plain", "kept");
  for (std::size_t k = 0; k < 12; ++k) {
    const std::string dir = analysis::run_results_dir(path("kept"), k);
    EXPECT_TRUE(fs::exists(dir + "/summary.json")) << dir;
    EXPECT_TRUE(fs::exists(dir + "/run.h5")) << dir;
  }
  EXPECT_NE(bytes(analysis::run_results_dir(path("kept"), 4) + "/summary.json").find("\"seed\": 6"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("plain/runs")));
}

// paired.csv: per point and metric, the mean over seeds of (point - baseline)
// at the same seed, with the t-interval of those differences.
TEST_F(SweepRun, PairedDifferencesAgainstTheBaseline) {
  write("spec.yaml", std::string(testing_sweep::kTinySpec) +
                         "baseline: {scheduler.placement: first-fit, 'cluster.pools[0].count': 2}\n");
  run("one", 1);
  run("two", 2);
  expect_same_outputs("one", "two");
  EXPECT_EQ(bytes(path("one/paired.csv")), bytes(path("two/paired.csv")));
  const auto plan = analysis::plan_sweep(path("spec.yaml"));
  ASSERT_EQ(plan.design.baseline, std::optional<std::size_t>(1));
  auto wait = [&](std::size_t run) {
    const auto record = analysis::read_run(path("one"), run, plan.info.identity);
    double v = -1;
    if (record)
      for (const auto& m : record->metrics)
        if (m.first == "wait_mean_s") v = m.second;
    return v;
  };
  // Point 0 (first-fit, one node) against point 1 (first-fit, two nodes), seeds 5, 6, 7.
  std::vector<double> diff;
  for (std::size_t s = 0; s < 3; ++s) diff.push_back(wait(s) - wait(3 + s));
  const auto ci = analysis::mean_ci95(diff);
  EXPECT_GT(ci.mean, 0);  // one node: longer waits at every seed
  const std::string paired = bytes(path("one/paired.csv"));
  EXPECT_NE(paired.find("\npoint,scheduler.placement,cluster.pools[0].count,metric,seeds,mean_difference,"
                        "ci95_half_width\n"),
            std::string::npos)
      << paired;
  EXPECT_NE(paired.find("\n0,first-fit,1,wait_mean_s,3," + analysis::number_text(ci.mean) + "," +
                        analysis::number_text(ci.half_width) + "\n"),
            std::string::npos)
      << paired;
  EXPECT_NE(paired.find("\n1,first-fit,2,wait_mean_s,3,0,0\n"), std::string::npos) << paired;
  testing_h5::H5Reader h5(path("one/sweep.h5"));
  EXPECT_EQ(h5.length("/paired/mean_difference"), h5.length("/summary/mean"));
}

// Common random numbers: arrivals depend only on the workload and the seed, so
// every point of a seed whose parameters leave the workload alone gets the same jobs.
TEST_F(SweepRun, PointsOfOneSeedSeeTheSameArrivals) {
  const auto plan = analysis::plan_sweep(path("spec.yaml"));
  auto jobs = [&](std::size_t point, std::uint64_t seed) {
    sim::NullRecorder rec;
    world::World w(plan.scenarios[point], seed, rec);
    std::vector<std::pair<sim::SimTime, sim::SimTime>> out;
    for (const auto& j : w.run().jobs) out.emplace_back(j.submit, j.duration);
    return out;
  };
  const auto first = jobs(0, 5);
  ASSERT_EQ(first.size(), 12u);
  for (std::size_t p = 1; p < plan.design.points.size(); ++p) EXPECT_EQ(jobs(p, 5), first) << "point " << p;
  EXPECT_NE(jobs(0, 6), first);
}

}  // namespace
}  // namespace fleetsim
