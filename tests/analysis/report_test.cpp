// `fleetsim report`'s page (analysis/report*.cpp): a run directory's headline
// numbers and charts, a sweep directory's summary with intervals and charts,
// nothing fetched from elsewhere, and exact messages for directories it cannot
// read. The directories are made by the fleetsim binary, as a user makes them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "analysis/report.hpp"
#include "analysis/svg_chart.hpp"
#include "tests/analysis/sweep_fixture.hpp"
#include "util/input_error.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

int fleetsim(const std::string& args) {
  const std::string cmd = std::string("'") + FLEETSIM_BINARY + "' " + args + " >/dev/null 2>&1";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

std::string dollars(double v) {
  char b[48];
  std::snprintf(b, sizeof b, "$%.2f", v);
  return b;
}

// The message of the InputError that report_html(dir) throws; "" if none.
std::string report_error(const std::string& dir) {
  try {
    analysis::report_html(dir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class ReportRun : public testing_sweep::SweepFolder {
 protected:
  void SetUp() override {
    SweepFolder::SetUp();
    ASSERT_EQ(fleetsim("run '" + path("tiny.yaml") + "' --quiet --out '" + path("run") + "'"), 0);
    std::ifstream in(path("run/summary.json"));
    summary_ = nlohmann::json::parse(in);
    html_ = analysis::report_html(path("run"));
  }
  nlohmann::json summary_;
  std::string html_;
};

TEST_F(ReportRun, ShowsTheHeadlineNumbersOfSummaryJson) {
  const int succeeded = summary_["jobs"]["succeeded"].get<int>();
  ASSERT_GT(succeeded, 0);
  EXPECT_NE(html_.find("<td>jobs succeeded</td><td class=\"n\">" + std::to_string(succeeded) + "</td>"),
            std::string::npos);
  EXPECT_NE(html_.find("<td>cost, total</td><td class=\"n\">" + dollars(summary_["cost_usd"]["total"]) + "</td>"),
            std::string::npos);
  EXPECT_NE(html_.find("<title>fleetsim run: tiny</title>"), std::string::npos);
  EXPECT_NE(html_.find("<h1>fleetsim run: tiny (seed 5)</h1>"), std::string::npos);
}

TEST_F(ReportRun, DrawsTheChartsInlineAndFetchesNothing) {
  // nodes, GPUs, jobs, cumulative cost, the wait/completion CDF, the completion histogram
  EXPECT_EQ(occurrences(html_, "<svg"), 6u);
  for (const char* title : {"<title>Nodes</title>", "<title>GPUs</title>", "<title>Cumulative cost</title>",
                            "<title>Distribution of waits and completion times</title>",
                            "<title>Completion time</title>"})
    EXPECT_NE(html_.find(title), std::string::npos) << title;
  EXPECT_EQ(html_.find("http"), std::string::npos) << "no external reference, not even an xmlns";
  EXPECT_EQ(html_.find("<script"), std::string::npos);
  EXPECT_EQ(html_.find("src="), std::string::npos);
  EXPECT_EQ(html_.find("<link"), std::string::npos);
  EXPECT_EQ(html_, analysis::report_html(path("run"))) << "the same directory gives the same bytes";
}

TEST_F(ReportRun, CumulativeCostEndsAtTheBill) {
  // One pool, every node at the same price, no horizon (the run ends when the
  // last job does) and nodes living far beyond the billing minimum: GPUs
  // provisioned x price per GPU-hour integrates to the bill.
  const std::string bill = dollars(summary_["cost_usd"]["total"]);
  EXPECT_NE(html_.find("(every node's price); it ends at the bill in summary.json, " + bill + "."),
            std::string::npos)
      << bill;
}

TEST(ReportSvg, EscapesTextAndNumbersAreShort) {
  EXPECT_EQ(analysis::svg::escape("a<b & \"c\">'"), "a&lt;b &amp; &quot;c&quot;&gt;&#39;");
  EXPECT_EQ(analysis::svg::short_number(0.30000000000000004), "0.3");
  EXPECT_EQ(analysis::svg::short_number(2500), "2500");
  EXPECT_EQ(analysis::svg::short_number(-1e-15), "0");
  const std::string h = analysis::svg::histogram({"t", "x", "y"}, {0, 1, 2}, {3, 0});
  EXPECT_EQ(occurrences(h, "<rect x="), 2u) << "the frame and one bar: empty bins draw nothing";
}

class ReportSweep : public testing_sweep::SweepFolder {
 protected:
  void SetUp() override {
    SweepFolder::SetUp();
    write("spec.yaml", std::string(testing_sweep::kTinySpec) +
                           "baseline: {scheduler.placement: first-fit, 'cluster.pools[0].count': 2}\n");
    ASSERT_EQ(fleetsim("sweep '" + path("spec.yaml") + "' --threads 1 --quiet --out '" + path("sw") + "'"), 0);
    html_ = analysis::report_html(path("sw"));
  }
  std::string html_;
};

TEST_F(ReportSweep, SummaryWithIntervalsPairedDifferencesAndCharts) {
  EXPECT_NE(html_.find("<h1>fleetsim sweep: tiny-sweep</h1>"), std::string::npos);
  EXPECT_NE(html_.find("12 runs at 4 points"), std::string::npos);
  // The points table: parameter values and 3 runs each.
  EXPECT_NE(html_.find("<tr><td class=\"n\">3</td><td>spread</td><td class=\"n\">2</td><td class=\"n\">3</td></tr>"),
            std::string::npos);
  // summary.csv's row for point 0's cost, as mean ± half-width.
  const auto summary = analysis::read_csv_table(path("sw/summary.csv"));
  const auto metric = summary.column("metric"), mean = summary.column("mean"), hw = summary.column("ci95_half_width");
  bool found = false;
  for (const auto& r : summary.rows)
    if (r[0] == "0" && r[metric] == "cost_usd") {
      found = true;
      const std::string cell = analysis::svg::short_number(std::stod(r[mean])) + " ± " +
                               analysis::svg::short_number(std::stod(r[hw]));
      EXPECT_NE(html_.find("<td>cost_usd</td><td class=\"n\">" + cell + "</td>"), std::string::npos) << cell;
    }
  EXPECT_TRUE(found);
  EXPECT_NE(html_.find("Paired differences from the baseline"), std::string::npos);
  EXPECT_NE(html_.find("<title>cost_usd</title>"), std::string::npos);
  EXPECT_NE(html_.find(">first-fit/1</text>"), std::string::npos) << "short point labels under the marks";
  EXPECT_GE(occurrences(html_, "<svg"), 3u);
  EXPECT_EQ(html_.find("http"), std::string::npos);
}

TEST_F(ReportSweep, WritesReportHtmlInTheDirectory) {
  const std::string out = analysis::write_report(path("sw"));
  EXPECT_EQ(out, path("sw/report.html"));
  EXPECT_EQ(bytes(out), html_);
  for (const auto& e : fs::directory_iterator(path("sw")))
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
}

class ReportBadInput : public testing_sweep::SweepFolder {};

TEST_F(ReportBadInput, MessagesNameThePathAndWhatWasExpected) {
  const std::string expected =
      "expected a `fleetsim run` directory (summary.json, run.h5) or a `fleetsim sweep` directory (sweep.csv, "
      "summary.csv)";
  EXPECT_EQ(report_error(path("nowhere")), path("nowhere") + ": not a directory: " + expected);
  fs::create_directories(path("empty"));
  EXPECT_EQ(report_error(path("empty")), path("empty") + ": not a fleetsim results directory: " + expected);
  fs::create_directories(path("half-run"));
  write("half-run/summary.json", "{}");
  EXPECT_EQ(report_error(path("half-run")),
            path("half-run/run.h5") + ": missing: a run directory has summary.json and run.h5 (written by `fleetsim run`)");
  fs::create_directories(path("half-sweep"));
  write("half-sweep/summary.csv", "point,metric,seeds,mean,ci95_half_width\n");
  EXPECT_EQ(report_error(path("half-sweep")),
            path("half-sweep/sweep.csv") +
                ": missing: a sweep directory has sweep.csv and summary.csv (written by `fleetsim sweep` when every "
                "run is done; rerun it to finish an interrupted sweep)");
  fs::create_directories(path("bad-h5"));
  write("bad-h5/summary.json", "{}");
  write("bad-h5/run.h5", "not hdf5");
  EXPECT_EQ(report_error(path("bad-h5")),
            path("bad-h5/run.h5") + ": cannot read: expected an HDF5 file written by `fleetsim run`");
}

}  // namespace
}  // namespace fleetsim
