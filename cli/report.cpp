#include "cli/report.hpp"

#include <filesystem>
#include <iostream>

#include "analysis/report.hpp"

namespace fleetsim::cli {

CLI::App* add_report_command(CLI::App& app, ReportArgs& a) {
  auto* c = app.add_subcommand(
      "report",
      "Write a self-contained HTML page (inline SVG charts, nothing fetched) with the key numbers and charts of a "
      "run directory (`fleetsim run`) or a sweep directory (`fleetsim sweep`).");
  c->add_option("dir", a.dir, "results directory of a run or a sweep")->required();
  c->add_option("-o,--out", a.out, "the HTML file to write (default: DIR/report.html)");
  c->add_flag("--quiet,-q", a.quiet, "print nothing; only write the page");
  return c;
}

int cmd_report(const ReportArgs& a) {
  const std::string path = analysis::write_report(a.dir, a.out);
  if (!a.quiet)
    std::cout << "report      " << path << " (" << std::filesystem::file_size(path) << " bytes)\n";
  return 0;
}

}  // namespace fleetsim::cli
