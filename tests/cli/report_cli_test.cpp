// `fleetsim report` from the command line: DIR/report.html by default, -o
// elsewhere, and a directory it cannot read exits 2 with one exact message.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/analysis/sweep_fixture.hpp"
#include "tests/cli/cli_runner.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;
using testing_cli::fleetsim;


class ReportCli : public testing_sweep::SweepFolder {};

TEST_F(ReportCli, WritesReportHtmlIntoTheRunDirectoryOrWhereToldTo) {
  ASSERT_EQ(fleetsim("run '" + path("tiny.yaml") + "' --quiet --out '" + path("run") + "'").status, 0);
  auto r = fleetsim("report '" + path("run") + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string page = path("run/report.html");
  ASSERT_TRUE(fs::is_regular_file(page));
  EXPECT_EQ(r.output, "report      " + page + " (" + std::to_string(fs::file_size(page)) + " bytes)\n");
  const std::string html = bytes(page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);

  r = fleetsim("report '" + path("run") + "' -q -o '" + path("elsewhere.html") + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(bytes(path("elsewhere.html")), html) << "the same directory gives the same page";
}

TEST_F(ReportCli, ABadDirectoryExits2WithOneExactMessage) {
  fs::create_directories(path("empty"));
  auto r = fleetsim("report '" + path("empty") + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + path("empty") +
                          ": not a fleetsim results directory: expected a `fleetsim run` directory (summary.json, "
                          "run.h5) or a `fleetsim sweep` directory (sweep.csv, summary.csv)\n");
  EXPECT_FALSE(fs::exists(path("empty/report.html")));
  r = fleetsim("report '" + path("tiny.yaml") + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("error: " + path("tiny.yaml") + ": not a directory: expected", 0), 0u) << r.output;
}

}  // namespace
}  // namespace fleetsim
