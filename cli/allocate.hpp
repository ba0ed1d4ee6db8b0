#pragma once
// `fleetsim allocate RUN_DIR`: the run's cost allocated to teams, namespaces or
// a label's values, as a terminal table (docs/cost.md).
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct AllocateArgs {
  std::string run_dir, by = "team", idle, overhead_split, scenario_dir;
};

CLI::App* add_allocate_command(CLI::App& app, AllocateArgs& args);
int cmd_allocate(const AllocateArgs& args);

}  // namespace fleetsim::cli
