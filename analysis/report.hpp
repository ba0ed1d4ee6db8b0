#pragma once
// `fleetsim report`: one self-contained HTML page (inline CSS and SVG charts, no
// scripts, nothing fetched) with the key numbers and charts of a run directory
// or a sweep directory, for people who do not use Jupyter. The page depends only
// on the files it reads: the same directory gives the same bytes.
#include <string>
#include <vector>

#include "analysis/report_data.hpp"

namespace fleetsim::analysis {

std::string run_report_html(const RunInputs& run);
std::string sweep_report_html(const SweepInputs& sweep);

// The page for a run or sweep directory (detected from its files).
std::string report_html(const std::string& dir);

// Writes the page to `out` (default DIR/report.html) through a temporary name
// and returns the path written.
std::string write_report(const std::string& dir, const std::string& out = "");

// Page scaffolding shared by the run and sweep pages. Arguments are HTML:
// callers escape text from the inputs (svg::escape).
namespace report_html_parts {
std::string page(const std::string& title, const std::string& body);
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string figure(const std::string& svg, const std::string& caption);
}  // namespace report_html_parts

}  // namespace fleetsim::analysis
