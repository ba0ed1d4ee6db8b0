#pragma once
// Running a sweep: every point's scenario is built and checked before any run;
// runs go to a pool of threads, each run's record is written as it finishes,
// and the aggregate is written once every run of the sweep is recorded. Runs
// are independent (own World, own recorder), so results do not depend on the
// number of threads, on interruptions, or on how the runs were sharded.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sweep_design.hpp"
#include "analysis/sweep_store.hpp"
#include "analysis/sweep_table.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sweep_spec.hpp"

namespace fleetsim::analysis {

struct SweepPlan {
  scenario::SweepSpec spec;
  SweepDesign design;
  std::vector<scenario::Scenario> scenarios;  // one per point
  SweepTableInfo info;
};

// Loads the spec and builds every point's scenario (on `threads` threads, 0:
// one per hardware thread). InputError names the spec's file, line and field
// for a parameter value the scenario rejects.
SweepPlan plan_sweep(const std::string& spec_path, int threads = 0);

struct SweepOptions {
  int threads = 0;                    // 0: one per hardware thread
  std::size_t shard = 0, shards = 1;  // run only runs with index % shards == shard
  bool fresh = false;                 // delete results of another spec or build in the directory
  bool keep_runs = false;             // also write each run's results directory, DIR/runs/NNNNNN
  // After each run, under a lock: runs done now and runs to do in this call.
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  // Runs the listed runs elsewhere (MPI ranks, mpi/sweep_mpi.hpp): each is
  // recorded in the sweep directory, and `done(k)` is called as run k's record
  // lands. Empty: runs go to the local thread pool.
  std::function<void(const std::vector<std::size_t>& runs, const std::function<void(std::size_t k)>& done)> remote;
};

struct SweepStatus {
  std::size_t runs = 0;      // in the whole sweep
  std::size_t in_shard = 0;  // this shard's runs (all when not sharded)
  std::size_t already = 0;   // of those, recorded before this call
  std::size_t ran = 0;
  bool complete = false;  // every run of the sweep recorded and the aggregate written
  int threads = 1;
};

SweepStatus run_sweep(const SweepPlan& plan, const std::string& dir, const SweepOptions& options);

// Joins the run records of shard directories into `out` and writes the
// aggregate there. InputError when a directory belongs to another spec or
// build, or when runs are missing from all of them.
void merge_sweep(const SweepPlan& plan, const std::vector<std::string>& dirs, const std::string& out);

// One run: the headline metrics of the point's scenario at the seed. With
// `results_dir`, also that run's full results directory (as `fleetsim run`).
RunRecord run_point(const SweepPlan& plan, std::size_t run, const std::string& results_dir = "");

}  // namespace fleetsim::analysis
