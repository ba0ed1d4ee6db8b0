#pragma once
// A finished sweep's aggregate outputs (docs/sweeps.md): sweep.csv and sweep.h5
// (one row per run: run, point, seed, each parameter, every headline metric)
// and summary.csv (per point and metric: seeds, mean and Student-t 95%
// half-width); with a baseline point also paired.csv (per point and metric: the
// mean difference from the baseline at the same seed, and its half-width).
// Also effects.csv (per metric, parameter and level: the mean over the runs at that
// level, and the parameter's effect range) and surface.csv (per metric: linear
// and quadratic least-squares fits on the numeric parameters, with R^2,
// adjusted R^2 and residual standard error; analysis/response_surface.hpp).
// Built only from the run records, in run order, so a resumed, threaded or
// merged sweep writes the same bytes as an uninterrupted one.
#include <string>
#include <vector>

#include "analysis/sweep_design.hpp"
#include "analysis/sweep_store.hpp"

namespace fleetsim::analysis {

struct SweepTableInfo {
  std::string name;  // the spec's name
  std::string spec_text, scenario_text;
  SweepIdentity identity;
};

// `runs` holds every run of the sweep (all of `design`'s, or those a sequential
// rule chose), in run order. Each file goes to a temporary name first;
// sweep.csv is renamed into place last.
void write_sweep_outputs(const std::string& dir, const SweepDesign& design, const std::vector<RunRecord>& runs,
                         const SweepTableInfo& info);

}  // namespace fleetsim::analysis
