// The results directory of default.yaml, read back the way a user would: run.h5
// through the HDF5 C API, summary.json through a JSON parser. Plus the
// percentile definition (Hyndman-Fan type 7) on hand-worked cases.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/memory_recorder.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "tests/analysis/h5_reader.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {
namespace {

namespace fs = std::filesystem;
using testing_h5::H5Reader;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs default.yaml once and writes its results directory.
class DefaultOutputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = std::make_unique<scenario::Scenario>(
        scenario::load_scenario(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/default.yaml"));
    rec_ = std::make_unique<MemoryRecorder>();
    world::World w(*scenario_, scenario_->seed, *rec_);
    result_ = std::make_unique<world::RunResult>(w.run());
    summary_ = std::make_unique<Summary>(summarize(*result_));
    dir_ = ::testing::TempDir() + "outputs_test_default_" + std::to_string(::getpid());
    fs::remove_all(dir_);
    write_results(dir_, *result_, *summary_, *rec_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    summary_.reset();
    result_.reset();
    rec_.reset();
    scenario_.reset();
  }

  static std::unique_ptr<scenario::Scenario> scenario_;
  static std::unique_ptr<MemoryRecorder> rec_;
  static std::unique_ptr<world::RunResult> result_;
  static std::unique_ptr<Summary> summary_;
  static std::string dir_;
};

std::unique_ptr<scenario::Scenario> DefaultOutputs::scenario_;
std::unique_ptr<MemoryRecorder> DefaultOutputs::rec_;
std::unique_ptr<world::RunResult> DefaultOutputs::result_;
std::unique_ptr<Summary> DefaultOutputs::summary_;
std::string DefaultOutputs::dir_;

TEST_F(DefaultOutputs, DirectoryIsComplete) {
  for (const char* f : {"summary.json", "run.h5", "jobs.csv", "scenario.yaml"})
    EXPECT_TRUE(fs::is_regular_file(fs::path(dir_) / f)) << f;
  EXPECT_FALSE(fs::exists(dir_ + ".partial"));
  EXPECT_EQ(read_text(fs::path(dir_) / "scenario.yaml"), scenario_->text);
}

TEST_F(DefaultOutputs, Hdf5TablesHaveTheRightLengths) {
  H5Reader f(dir_ + "/run.h5");
  ASSERT_TRUE(f.ok());
  const auto& r = *result_;
  std::size_t pods = 0;
  for (const auto& j : r.jobs) pods += j.pods.size();
  ASSERT_GT(r.jobs.size(), 0u);
  const std::vector<std::pair<std::string, std::size_t>> tables = {
      {"/jobs", r.jobs.size()}, {"/pods", pods}, {"/nodes", r.cluster.nodes().size()}};
  for (const auto& [group, rows] : tables) {
    ASSERT_TRUE(f.is_group(group)) << group;
    const auto cols = f.members(group);
    EXPECT_GE(cols.size(), 4u) << group;
    for (const auto& c : cols) EXPECT_EQ(f.length(group + "/" + c), static_cast<long long>(rows)) << group << "/" << c;
  }
  EXPECT_EQ(r.cluster.nodes().size(), 6u);
  for (const char* c : {"id", "name", "submit_s", "status", "wait_s", "cost_usd", "gpu_seconds"})
    EXPECT_TRUE(f.exists(std::string("/jobs/") + c)) << c;
  for (const char* c : {"job_id", "index", "gpus", "node"}) EXPECT_TRUE(f.exists(std::string("/pods/") + c)) << c;
  for (const char* c : {"name", "instance_type", "usd_per_hour", "cost_usd", "idle_usd"})
    EXPECT_TRUE(f.exists(std::string("/nodes/") + c)) << c;

  // Contents agree with the run.
  const auto cost = f.doubles("/jobs/cost_usd");
  EXPECT_NEAR(std::accumulate(cost.begin(), cost.end(), 0.0), summary_->cost_allocated,
              1e-9 * summary_->cost_total);
  const auto node_cost = f.doubles("/nodes/cost_usd");
  EXPECT_NEAR(std::accumulate(node_cost.begin(), node_cost.end(), 0.0), summary_->cost_total,
              1e-9 * summary_->cost_total);
  const auto status = f.strings("/jobs/status");
  ASSERT_EQ(status.size(), r.jobs.size());
  for (std::size_t i = 0; i < status.size(); ++i) EXPECT_EQ(status[i], world::to_string(r.records[i].status));
  const auto names = f.strings("/nodes/instance_type");
  for (const auto& n : names) EXPECT_EQ(n, "p4d.24xlarge");
}

TEST_F(DefaultOutputs, Hdf5AttributesAndTimeseries) {
  H5Reader f(dir_ + "/run.h5");
  ASSERT_TRUE(f.ok());
  EXPECT_GT(H5Aexists(f.id(), "scenario"), 0);
  EXPECT_GT(H5Aexists(f.id(), "seed"), 0);
  EXPECT_EQ(f.string_attribute("scenario"), scenario_->text);
  EXPECT_EQ(f.string_attribute("scenario_name"), "default");
  EXPECT_EQ(f.int_attribute("seed"), 42);
  EXPECT_GT(H5Aexists(f.id(), "fleetsim_version"), 0);
  EXPECT_GT(H5Aexists(f.id(), "git_commit"), 0);

  ASSERT_TRUE(f.is_group("/timeseries"));
  ASSERT_FALSE(rec_->all().empty());
  for (const char* name : {"gpus_allocated", "gpus_provisioned", "nodes", "jobs_queued", "jobs_running"}) {
    const std::string g = std::string("/timeseries/") + name;
    ASSERT_TRUE(f.is_group(g)) << g;
    const auto* s = rec_->find(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(f.length(g + "/t_s"), static_cast<long long>(s->t_s.size())) << g;
    EXPECT_EQ(f.length(g + "/value"), static_cast<long long>(s->value.size())) << g;
    EXPECT_EQ(f.doubles(g + "/value"), s->value) << g;
  }
}

TEST_F(DefaultOutputs, SummaryJsonParsesAndAgrees) {
  const std::string text = read_text(fs::path(dir_) / "summary.json");
  EXPECT_EQ(text, summary_json(*summary_, *result_));
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.at("scenario").get<std::string>(), "default");
  EXPECT_EQ(j.at("seed").get<std::uint64_t>(), 42u);
  EXPECT_EQ(j.at("cost_usd").at("total").get<double>(), summary_->cost_total);
  EXPECT_EQ(j.at("cost_usd").at("idle").get<double>(), summary_->cost_idle);
  EXPECT_EQ(j.at("jobs").at("total").get<std::size_t>(), summary_->jobs_total);
  EXPECT_EQ(j.at("jobs").at("succeeded").get<std::size_t>(), summary_->jobs_succeeded);
  EXPECT_EQ(j.at("capacity").at("gpu_allocation").get<double>(), summary_->gpu_allocation);
  EXPECT_EQ(j.at("queue_wait_s").at("p99").get<double>(), summary_->wait_s.p99);
  EXPECT_EQ(j.at("horizon_s").get<double>(), 48 * 3600.0);
  EXPECT_TRUE(j.at("stopped_at_horizon").get<bool>());
}

TEST_F(DefaultOutputs, JobsCsvHasOneRowPerJob) {
  std::ifstream in(fs::path(dir_) / "jobs.csv");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line.rfind("id,name,", 0), 0u) << line;
  std::size_t rows = 0;
  while (std::getline(in, line)) rows += !line.empty();
  EXPECT_EQ(rows, result_->jobs.size());
}

TEST(Percentile, Type7HandCases) {
  // h = (n - 1) q; value = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
  EXPECT_DOUBLE_EQ(percentile({15, 20, 35, 40, 50}, 0.40), 29.0);  // h = 1.6: 20 + 0.6 x 15
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.9), 3.7);  // h = 2.7
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 0.5), 2.5);  // sorts its input
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(percentile({7}, 0.99), 7.0);
  EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0.0);

  const auto p = percentiles({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
  EXPECT_EQ(p.count, 10u);
  EXPECT_DOUBLE_EQ(p.mean, 5.5);
  EXPECT_DOUBLE_EQ(p.p50, 5.5);
  EXPECT_DOUBLE_EQ(p.p90, 9.1);   // h = 8.1
  EXPECT_DOUBLE_EQ(p.p99, 9.91);  // h = 8.91
  EXPECT_DOUBLE_EQ(p.max, 10.0);
  EXPECT_EQ(percentiles({}).count, 0u);
}

}  // namespace
}  // namespace fleetsim::analysis

namespace fleetsim::analysis {
namespace {

// Per-team waits: two teams, hand-made records.
TEST(SummaryByTeam, WaitPercentilesPerTeam) {
  world::RunResult r;
  r.scenario_name = "t";
  for (int i = 0; i < 4; ++i) {
    models::Job j;
    j.id = static_cast<models::JobId>(i);
    j.team = i < 2 ? "a" : "b";
    j.submit = 0;
    world::JobRecord rec;
    rec.status = world::JobStatus::succeeded;
    rec.first_start = (i + 1) * 10 * sim::kSecond;  // waits 10, 20 | 30, 40 s
    rec.end = rec.first_start + sim::kSecond;
    r.jobs.push_back(j);
    r.records.push_back(rec);
  }
  const Summary s = summarize(r);
  ASSERT_EQ(s.wait_s_by_team.size(), 2u);
  EXPECT_DOUBLE_EQ(s.wait_s_by_team.at("a").mean, 15.0);
  EXPECT_DOUBLE_EQ(s.wait_s_by_team.at("b").mean, 35.0);
  EXPECT_DOUBLE_EQ(s.wait_s.mean, 25.0);
  const auto m = headline_metrics(s);
  EXPECT_EQ(m[m.size() - 2].first, "wait_mean_s[a]");
  EXPECT_DOUBLE_EQ(m.back().second, 35.0);
}

}  // namespace
}  // namespace fleetsim::analysis
