// The static-vs-dynamic study, part (2): the shipped scenarios/study/simulated-*.yaml
// runs, their bills split into parts that add up and that match hand
// computation from the scenarios' delays and prices, the table's columns, the
// chart, and `fleetsim study`'s files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "analysis/study_simulated.hpp"
#include "analysis/svg_chart.hpp"
#include "tests/cli/cli_runner.hpp"
#include "util/csv.hpp"

namespace fleetsim::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kStudy = fs::path(FLEETSIM_SOURCE_DIR) / "scenarios" / "study";

Summary run(const std::string& file) { return run_study_scenario((kStudy / file).string()); }

const CostPart& part(const std::vector<CostPart>& parts, const std::string& prefix) {
  for (const auto& p : parts)
    if (p.what.rfind(prefix, 0) == 0) return p;
  throw std::runtime_error("no part " + prefix);
}

bool has_part(const std::vector<CostPart>& parts, const std::string& prefix) {
  for (const auto& p : parts)
    if (p.what.rfind(prefix, 0) == 0) return true;
  return false;
}

double sum_usd(const std::vector<CostPart>& parts) {
  double usd = 0;
  for (const auto& p : parts) usd += p.usd;
  return usd;
}

double sum_hours(const std::vector<CostPart>& parts) {
  double h = 0;
  for (const auto& p : parts) h += p.gpu_hours;
  return h;
}

TEST(StudySimulated, InferencePartsByHand) {
  const auto s = run("simulated-inference.yaml");
  ASSERT_TRUE(s.purchases);
  double rate = 0;
  const auto parts = simulated_cost_parts(s, rate);
  EXPECT_NEAR(rate, 6.00, 1e-9);  // every node is a study-a10g at $6.00 list
  // The three reservations cover the three always-on replicas: 3 x $4.20 x 720 h.
  const auto& reserved = part(parts, "commitments (effective rate)");
  EXPECT_NEAR(reserved.gpu_hours, 2160, 1e-6);
  EXPECT_NEAR(reserved.usd, 9072, 1e-6);
  EXPECT_FALSE(has_part(parts, "commitments unused"));
  // Every burst node (all nodes but the three reserved) boots 4 min, and idles
  // the Cluster Autoscaler's 10 minutes after its replica is scaled down; every
  // burst replica's cold start is 1 min pull + 2 min load.
  const double burst_nodes = static_cast<double>(s.nodes) - 3;
  int cold_starts = 0;
  for (const auto& svc : s.services) cold_starts += svc.cold_starts;
  EXPECT_GT(burst_nodes, 0);
  EXPECT_EQ(cold_starts, burst_nodes);
  EXPECT_NEAR(part(parts, "nodes booting").gpu_hours, burst_nodes * 240 / 3600, 1e-6);
  EXPECT_NEAR(part(parts, "idle nodes").gpu_hours, burst_nodes * 600 / 3600, 1e-6);
  EXPECT_NEAR(part(parts, "cold starts").gpu_hours, cold_starts * 180.0 / 3600, 1e-6);
  EXPECT_NEAR(part(parts, "cold starts").usd, cold_starts * 180.0 / 3600 * 6.00, 1e-6);
  // The parts add up to the effective bill, and their hours to the provisioned GPU-hours.
  EXPECT_NEAR(sum_usd(parts), s.purchases->effective_usd, 1e-6);
  EXPECT_NEAR(sum_hours(parts), s.gpu_seconds_provisioned / 3600, 1e-6);
  // What is not covered is billed at list: the burst pool's bill.
  EXPECT_NEAR(sum_usd(parts) - reserved.usd, s.cost_by_pool.at("burst"), 1e-6);
}

TEST(StudySimulated, TrainingPartsByHand) {
  const auto s = run("simulated-training.yaml");
  ASSERT_EQ(s.interruptions, 0u);  // seed 1: no reclaim, so each job is one attempt
  double rate = 0;
  const auto parts = simulated_cost_parts(s, rate);
  EXPECT_NEAR(rate, 7.00 * (1 - 0.55), 1e-9);
  // 60 jobs of 4 h; each writes a checkpoint after 30, 60, ... 210 min of work
  // (7 writes of 1 min; none at the end); one node each, booting 4 min.
  EXPECT_NEAR(part(parts, "jobs working").gpu_hours, 240, 1e-6);
  EXPECT_NEAR(part(parts, "checkpoint writes").gpu_hours, 60 * 7 / 60.0, 1e-6);
  EXPECT_NEAR(part(parts, "nodes booting").gpu_hours, 60 * 4 / 60.0, 1e-6);
  EXPECT_FALSE(has_part(parts, "work lost"));
  EXPECT_FALSE(has_part(parts, "commitments"));
  EXPECT_NEAR(sum_usd(parts), s.cost_total, 1e-6);
  EXPECT_NEAR(sum_hours(parts), s.gpu_seconds_provisioned / 3600, 1e-6);
}

TEST(StudySimulated, BatchMeetsItsDeadlinesAndPartsAddUp) {
  const auto s = run("simulated-batch.yaml");
  double rate = 0;
  const auto parts = simulated_cost_parts(s, rate);
  EXPECT_NEAR(rate, 3.15, 1e-9);
  EXPECT_NEAR(part(parts, "jobs working").gpu_hours, 240, 1e-6);
  EXPECT_NEAR(sum_usd(parts), s.cost_total, 1e-6);
  EXPECT_EQ(s.deadlines.jobs, 30u);
  EXPECT_EQ(s.deadlines.met, 30u);
  // A reclaim loses at most the 10 minutes since the last saved batch.
  EXPECT_LE(s.lost_gpu_hours, static_cast<double>(s.interruptions) * 10 / 60 + 1e-9);
}

TEST(StudySimulated, StaticInferenceWithTrafficBillsThePublishedLine) {
  const auto s = run("simulated-static-inference.yaml");
  EXPECT_NEAR(s.cost_total, 15120, 1e-6);  // 3 x $7.00 x 720 h
  ASSERT_EQ(s.services.size(), 3u);
  for (const auto& svc : s.services) EXPECT_EQ(svc.cold_starts, 0) << svc.name;
}

TEST(StudySimulated, TableColumnsAndSavings) {
  const auto published = study_table(run("static.yaml"), run("dynamic-inference.yaml"));
  const auto inference = run("simulated-inference.yaml");
  const auto training = run("simulated-training.yaml");
  const auto batch = run("simulated-batch.yaml");
  const auto st = simulated_study(published, run("simulated-static-inference.yaml"), inference, training, batch,
                                  {{1, 2}, {3, 4}, {5, 7}});
  ASSERT_EQ(st.lines.size(), 3u);
  const double statics[3] = {15120, 10080, 5040}, pub[3] = {9072, 1680, 756};
  const double sim[3] = {inference.purchases->effective_usd, training.cost_total, batch.cost_total};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(st.lines[i].static_usd, statics[i], 1e-6);
    EXPECT_NEAR(st.lines[i].published_usd, pub[i], 1e-6);
    EXPECT_NEAR(st.lines[i].simulated_usd, sim[i], 1e-6);
    EXPECT_NEAR(st.lines[i].simulated_saving(), 1 - sim[i] / statics[i], 1e-12);
  }
  EXPECT_NEAR(st.static_usd, 30240, 1e-6);
  EXPECT_NEAR(st.published_usd, 11508, 1e-6);
  EXPECT_NEAR(st.simulated_usd, sim[0] + sim[1] + sim[2], 1e-6);
  // The inference line's work is the reservations plus the replicas beyond them.
  EXPECT_NEAR(st.lines[0].work_usd(),
              9072 + part(st.lines[0].parts, "replicas serving beyond").usd, 1e-6);

  std::ostringstream out;
  print_simulated_study(out, st);
  const auto text = out.str();
  EXPECT_NE(text.find("| Total | $30,240 | $11,508 | " + usd_text(std::round(st.simulated_usd))), std::string::npos)
      << text;
  // Totals by seed add the lines' bills under the same seed: 1+3+5 = 9 and 2+4+7 = 13.
  EXPECT_NE(text.find("across 2 seeds"), std::string::npos) << text;
  EXPECT_NE(text.find("total $9-$13 (mean $11,"), std::string::npos) << text;
}

TEST(StudySimulated, TheChartInTheDocsIsCurrent) {
  // docs/study.svg is `fleetsim study`'s chart of the shipped scenarios (README, docs/purchasing.md).
  const auto st = simulated_study(study_table(run("static.yaml"), run("dynamic-inference.yaml")),
                                  run("simulated-static-inference.yaml"), run("simulated-inference.yaml"),
                                  run("simulated-training.yaml"), run("simulated-batch.yaml"));
  std::ifstream in(fs::path(FLEETSIM_SOURCE_DIR) / "docs" / "study.svg", std::ios::binary);
  std::ostringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), simulated_study_chart(st)) << "regenerate: fleetsim study && cp results/study/study.svg docs/";
}

TEST(StudySimulated, RejectsNodesWithSeveralGpus) {
  Summary s;
  s.scenario = "x";
  s.node_hours = 10;
  s.gpu_seconds_provisioned = 80 * 3600;
  double rate = 0;
  try {
    simulated_cost_parts(s, rate);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "study: run x has nodes with more than one GPU; part (2) prices node-hours as GPU-hours");
  }
}

TEST(GroupedBars, HeightsFollowTheValues) {
  svg::Axes a;
  a.title = "t";
  const auto chart = svg::grouped_bars(a, {"g1", "g2"}, {{"a", {1000, 2000}}, {"b", {3000, 4000}}});
  std::regex bar(R"re(<rect x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="([0-9.]+)" fill="[^"]+"><title>([^<]+)</title>)re");
  std::vector<std::pair<std::string, double>> bars;
  for (std::sregex_iterator it(chart.begin(), chart.end(), bar), end; it != end; ++it)
    bars.emplace_back((*it)[2], std::stod((*it)[1]));
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(bars[0].first, "a, g1: 1000");
  EXPECT_EQ(bars[1].first, "b, g1: 3000");
  EXPECT_EQ(bars[3].first, "b, g2: 4000");
  // Bars start at zero: heights in proportion to the values (to the 0.1 px the SVG keeps).
  EXPECT_NEAR(bars[3].second / bars[0].second, 4.0, 0.01);
  EXPECT_NEAR(bars[2].second / bars[0].second, 2.0, 0.01);
  const auto file = svg::standalone(chart);
  EXPECT_EQ(file.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0),
            0u);
}

TEST(StudyCommand, WritesTheTablesAndTheChart) {
  const fs::path out = fs::temp_directory_path() / "fleetsim_study_command_test";
  fs::remove_all(out);
  const auto res = testing_cli::fleetsim("study --seeds 2 --out " + testing_cli::quote(out.string()));
  ASSERT_EQ(res.status, 0) << res.output;
  EXPECT_NE(res.output.find("part (2): the same workloads through the simulated mechanisms"), std::string::npos);
  EXPECT_NE(res.output.find("across 2 seeds"), std::string::npos);
  for (const char* f : {"study.csv", "study-simulated.csv", "study-parts.csv", "study.svg"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_FALSE(fs::exists(out / "study.svg.partial"));
  CsvReader csv((out / "study-simulated.csv").string());
  std::vector<std::string> components;
  while (csv.next()) {
    components.push_back(csv.str("component"));
    EXPECT_EQ(csv.str("seeds"), "2");
  }
  EXPECT_EQ(components, (std::vector<std::string>{"Inference (3 endpoints, 24/7)", "Training (2 jobs, 4h/day each)",
                                                  "Batch inference (8h/day)", "Total"}));
  fs::remove_all(out);
}

}  // namespace
}  // namespace fleetsim::analysis
