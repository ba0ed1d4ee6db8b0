// Every shipped scenario (scenarios/*.yaml, enumerated at test time) loads,
// validates and runs; default.yaml's headline numbers follow from the catalog.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "util/csv.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

const std::string kScenarioDir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios";

// Caps that keep each run well under a second.
constexpr sim::SimTime kMaxHorizon = 7 * sim::kDay;
constexpr std::int64_t kMaxJobsPerSource = 5000;

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kScenarioDir))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Overrides that shorten a scenario: at most kMaxJobsPerSource jobs from each
// source (synthetic count, trace limit), and a horizon of at most a week where
// the scenario sets a longer one. A scenario without a horizon runs until its
// (capped) workload drains: a horizon cut would leave trace replays such as
// alibaba-openb, whose pods run for months, without a single finished job.
std::vector<std::string> shortening_overrides(const scenario::Scenario& s) {
  std::vector<std::string> sets;
  if (s.horizon != sim::kNever && s.horizon > kMaxHorizon) sets.push_back("horizon=7d");
  for (std::size_t i = 0; i < s.workload.size(); ++i) {
    const std::string at = "workload[" + std::to_string(i) + "]";
    if (const auto* syn = std::get_if<models::SyntheticSpec>(&s.workload[i].spec)) {
      if (!syn->count || *syn->count > kMaxJobsPerSource)
        sets.push_back(at + ".synthetic.count=" + std::to_string(kMaxJobsPerSource));
    } else if (std::holds_alternative<models::NotebookSpec>(s.workload[i].spec)) {
      // Sessions are bounded by users x working days before `until`: nothing to cap.
    } else {
      const std::size_t limit = std::holds_alternative<scenario::CsvTraceSpec>(s.workload[i].spec)
                                    ? std::get<scenario::CsvTraceSpec>(s.workload[i].spec).limit
                                    : std::get<scenario::OpenbPodsSpec>(s.workload[i].spec).options.limit;
      if (limit == 0 || limit > static_cast<std::size_t>(kMaxJobsPerSource))
        sets.push_back(at + ".limit=" + std::to_string(kMaxJobsPerSource));
    }
  }
  return sets;
}

TEST(ShippedScenarios, DirectoryHasTheDocumentedOnes) {
  const auto files = scenario_files();
  auto has = [&](const std::string& name) {
    return std::find(files.begin(), files.end(), kScenarioDir + "/" + name) != files.end();
  };
  EXPECT_TRUE(has("default.yaml"));
  EXPECT_TRUE(has("mmc-validation.yaml"));
}

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, LoadsValidatesAndRuns) {
  const std::string path = GetParam();
  // As shipped: loads, and the world builds (every job fits some node), which is
  // what `fleetsim validate` checks.
  const auto full = scenario::load_scenario(path);
  EXPECT_FALSE(full.name.empty());
  EXPECT_FALSE(full.pools.empty());
  EXPECT_TRUE(!full.workload.empty() || !full.services.empty());
  {
    sim::NullRecorder rec;
    EXPECT_NO_THROW({ world::World built(full, full.seed, rec); });
  }

  const auto sets = shortening_overrides(full);
  std::string trace;
  for (const auto& s : sets) trace += " --set " + s;
  SCOPED_TRACE("overrides:" + trace);
  const auto s = scenario::load_scenario(path, sets);
  sim::NullRecorder rec;
  world::World w(s, s.seed, rec);
  const auto r = w.run();
  const auto sum = analysis::summarize(r);
  if (!s.workload.empty()) {
    EXPECT_GE(sum.jobs_succeeded, 1u);
  }
  for (const auto& sv : r.services) {  // every service served, and no request was lost
    EXPECT_GT(sv.served, 0) << sv.name;
    EXPECT_NEAR(sv.arrived, sv.served + sv.dropped + sv.timed_out + sv.queued_end, 1e-6 * sv.arrived) << sv.name;
  }
  EXPECT_EQ(sum.jobs_succeeded + sum.jobs_failed + sum.jobs_running + sum.jobs_queued + sum.jobs_not_arrived,
            sum.jobs_total);
  EXPECT_GT(sum.cost_total, 0);
  EXPECT_GE(sum.cost_idle, -1e-9 * sum.cost_total);
  EXPECT_GT(sum.gpu_allocation, 0);
  EXPECT_LE(sum.gpu_allocation, 1 + 1e-12);
  EXPECT_LE(r.end, s.horizon);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = fs::path(info.param).stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(All, ShippedScenario, ::testing::ValuesIn(scenario_files()), test_name);

// The catalog's on-demand price of `type`, read from the shipped CSV.
double catalog_price(const std::string& type) {
  CsvReader csv(std::string(FLEETSIM_SOURCE_DIR) + "/data/catalog/instances.csv");
  while (csv.next())
    if (csv.str("instance_type") == type) return csv.number("ondemand_usd_per_hour");
  ADD_FAILURE() << type << " not in the catalog";
  return 0;
}

TEST(DefaultScenario, Headlines) {
  const auto s = scenario::load_scenario(kScenarioDir + "/default.yaml");
  ASSERT_EQ(s.pools.size(), 1u);
  ASSERT_EQ(s.pools[0].instance_type, "p4d.24xlarge");
  ASSERT_EQ(s.pools[0].count, 6);
  ASSERT_EQ(s.horizon, 2 * sim::kDay);
  const double price = catalog_price("p4d.24xlarge");
  ASSERT_GT(price, 0);
  EXPECT_EQ(s.pools[0].usd_per_hour, price);

  sim::NullRecorder rec;
  world::World w(s, s.seed, rec);
  const auto r = w.run();
  const auto sum = analysis::summarize(r);

  // A fixed pool runs, and is billed, for the whole horizon.
  EXPECT_TRUE(sum.horizon_reached);
  EXPECT_EQ(sum.simulated_s, 48 * 3600.0);
  EXPECT_EQ(sum.nodes, 6u);
  EXPECT_EQ(sum.gpus, 48);
  EXPECT_DOUBLE_EQ(sum.gpu_seconds_provisioned, 48 * 48 * 3600.0);
  EXPECT_DOUBLE_EQ(sum.cost_total, 6 * price * 48);
  EXPECT_DOUBLE_EQ(sum.cost_by_pool.at("a100"), 6 * price * 48);
  EXPECT_NEAR(sum.cost_allocated + sum.cost_idle, sum.cost_total, 1e-9 * sum.cost_total);

  // The story the scenario tells: busy, some idle money, 8-GPU jobs waiting.
  EXPECT_GT(sum.jobs_total, 100u);
  EXPECT_GT(sum.jobs_succeeded, sum.jobs_total * 9 / 10);
  EXPECT_GT(sum.gpu_allocation, 0.5);
  EXPECT_LT(sum.gpu_allocation, 1.0);
  EXPECT_GT(sum.cost_idle, 0);
  EXPECT_GT(sum.wait_s.max, 0);
  EXPECT_LE(sum.wait_s.p50, sum.wait_s.p90);
  EXPECT_LE(sum.wait_s.p90, sum.wait_s.p99);
  EXPECT_LE(sum.wait_s.p99, sum.wait_s.max);
  EXPECT_EQ(sum.preemptions, 0u);  // fifo never preempts
  EXPECT_EQ(sum.cost_by_team.count("nlp"), 1u);
  EXPECT_EQ(sum.cost_by_team.count("vision"), 1u);
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// The seed article's cases (scenarios/seed-case-*.yaml), figures by hand.
TEST(SeedCase, AlwaysOnNodeIs17280) {
  const auto s = scenario::load_scenario(kScenarioDir + "/seed-case-24x7.yaml");
  sim::NullRecorder rec;
  const auto sum = analysis::summarize(world::World(s, s.seed, rec).run());
  EXPECT_DOUBLE_EQ(sum.cost_total, 24.0 * 24 * 30);  // $24/h x 720 h = $17,280
  EXPECT_EQ(sum.jobs_succeeded, 30u);
}

TEST(SeedCase, KarpenterJustInTimeAddsBootAndTails) {
  const auto s = scenario::load_scenario(kScenarioDir + "/seed-case-karpenter.yaml");
  sim::NullRecorder rec;
  const auto sum = analysis::summarize(world::World(s, s.seed, rec).run());
  // Each day: the 09:00 job opens a batch that closes 1 s later (batch_idle_duration
  // at 1 s polls); the node runs 40 s later and is Ready 4 min after that, so the
  // job waits 1 + 40 + 240 = 281 s; it runs 8 h; the empty node goes at the next
  // 10 s disruption poll, 9 s later. Billed: 240 + 28,800 + 9 = 29,049 s a day.
  EXPECT_EQ(sum.jobs_succeeded, 30u);
  EXPECT_DOUBLE_EQ(sum.wait_s.mean, 281);
  EXPECT_NEAR(sum.cost_allocated, 24.0 * 8 * 30, 1e-6);  // the article's $5,760
  EXPECT_NEAR(sum.cost_total, 30 * 24.0 * 29'049 / 3600, 1e-6);  // $5,809.80
  EXPECT_NEAR(sum.boot_gpu_hours, 30 * 8 * 240 / 3600.0, 1e-9);  // 16 GPU-h booting
  EXPECT_NEAR(sum.idle_gpu_hours, 30 * 8 * 9 / 3600.0, 1e-9);    // 0.6 GPU-h of tails
  EXPECT_EQ(sum.jobs_waited_for_nodes, 30u);
  EXPECT_DOUBLE_EQ(sum.provisioning_wait_s, sum.wait_total_s);  // every wait was for a node
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// scenarios/topology-aware.yaml at its own seed: topology-aware placement splits
// fewer training jobs over PCIe than best-fit, so they finish sooner on average.
TEST(TopologyAwareScenario, FewerSplitJobsAndShorterCompletionThanBestFit) {
  struct Outcome {
    analysis::Summary sum;
    std::size_t split = 0;  // attempts started below full rate (last attempt per job)
  };
  auto run = [](const std::string& placement) {
    const auto s = scenario::load_scenario(kScenarioDir + "/topology-aware.yaml", {"scheduler.placement=" + placement});
    sim::NullRecorder rec;
    const auto r = world::World(s, s.seed, rec).run();
    Outcome o{analysis::summarize(r)};
    for (const auto& rc : r.records) o.split += rc.first_start >= 0 && rc.topology_rate < 1;
    return o;
  };
  const Outcome blind = run("best-fit"), aware = run("topology-aware");
  EXPECT_GT(blind.split, 0u);
  EXPECT_LT(aware.split, blind.split);
  EXPECT_LT(aware.sum.jct_s.mean, blind.sum.jct_s.mean);
}

}  // namespace
}  // namespace fleetsim
