#pragma once
// `fleetsim advise RUN_DIR`: cost findings for a run, written to RUN_DIR/advise.md
// and advise.json (docs/cost.md).
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct AdviseArgs {
  std::string run_dir, scenario_dir;
  bool quiet = false;
};

CLI::App* add_advise_command(CLI::App& app, AdviseArgs& args);
int cmd_advise(const AdviseArgs& args);

}  // namespace fleetsim::cli
