#pragma once
// Reads a run back from its results directory for `fleetsim allocate` and
// `fleetsim advise`. The files keep totals per job and node but not everything
// the findings need (utilization, checkpointing, pod shapes, node lifetimes), so
// the run is replayed: scenario.yaml (the YAML as run, after --set) with the
// seed in summary.json. Runs are deterministic, so the replay is the run; it is
// checked against summary.json's total cost and refused if they differ.
#include <memory>
#include <string>

#include "scenario/scenario.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

struct ReplayedRun {
  std::unique_ptr<scenario::Scenario> scenario;  // owns the catalog the result points into
  world::RunResult result;
};

// `scenario_dir`: where relative paths in the scenario (traces, catalogs) are
// resolved, the directory of the scenario file originally run; "" = RUN_DIR.
// Throws InputError naming the file when something is missing or disagrees.
ReplayedRun replay_run(const std::string& run_dir, const std::string& scenario_dir = "");

}  // namespace fleetsim::analysis
