#pragma once
// `fleetsim sweep`: run a sweep spec (docs/sweeps.md) on local threads, a shard
// of it, or merge shard directories into the aggregate.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace fleetsim::cli {

struct SweepArgs {
  std::string spec, out, shard;
  std::vector<std::string> merge;
  int threads = 0;
  bool fresh = false, keep_runs = false, dry_run = false, quiet = false;
};

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);
int cmd_sweep(const SweepArgs& args);

}  // namespace fleetsim::cli
