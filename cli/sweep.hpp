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
  bool emit_k8s = false;       // print Kubernetes manifests for the sweep, run nothing
  std::size_t k8s_shards = 4;  // their shards (Indexed Job) or MPI ranks (MPIJob)
  std::string image;           // their container image
};

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);
int cmd_sweep(const SweepArgs& args);

}  // namespace fleetsim::cli
