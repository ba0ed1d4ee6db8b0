#pragma once
// `fleetsim report DIR`: a self-contained HTML page with the key numbers and
// charts of a run or sweep directory (docs/outputs.md).
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct ReportArgs {
  std::string dir, out;
  bool quiet = false;
};

CLI::App* add_report_command(CLI::App& app, ReportArgs& args);
int cmd_report(const ReportArgs& args);

}  // namespace fleetsim::cli
