#pragma once
// Which runs a sweep consists of. Normally every (point, seed) run; with a
// sequential rule (scenario::SweepSequential) each point runs its seeds in order
// and stops once the Student-t 95% interval of the rule's metric is narrow
// enough. The rule looks only at a point's own results in seed order, so the
// runs chosen do not depend on threads, interruptions or shards.
#include <functional>
#include <optional>
#include <vector>

#include "analysis/sweep_design.hpp"
#include "analysis/sweep_store.hpp"
#include "scenario/sweep_spec.hpp"

namespace fleetsim::analysis {

// The seeds a point runs in all, given the metric over its first values.size()
// seeds (NaN where a run lacks it): values.size() when it is done, more when not.
std::size_t seeds_needed(const scenario::SweepSequential& rule, std::size_t max_seeds,
                         const std::vector<double>& values);

struct NeededRuns {
  std::vector<std::size_t> present;  // needed runs with a record, in run order
  std::vector<std::size_t> missing;  // needed runs without one (as far as the rule can tell yet)
};

// `find(run)`: the run's record, or null when it has not run.
NeededRuns needed_runs(const SweepDesign& d, const std::optional<scenario::SweepSequential>& rule,
                       const std::function<const RunRecord*(std::size_t)>& find);

}  // namespace fleetsim::analysis
