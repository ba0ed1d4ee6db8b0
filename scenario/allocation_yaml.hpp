#pragma once
// The scenario's optional `allocation:` block: how cost allocation (docs/cost.md)
// treats idle capacity and the cluster's fixed overhead.
//
//   allocation:
//     idle: separate            # separate (its own row) | shared (spread over workloads by cost)
//     overhead_split: even      # even (same amount per group) | proportional (by the group's cost)
//     overhead:                 # fixed costs outside the nodes' bill
//       - {name: control-plane, usd_per_hour: 0.10}
//       - {name: load-balancers, usd_per_month: 36}
//
// Monthly amounts are converted at 730 hours a month. Throws InputError naming
// file, line, field and what was expected.
#include <string>
#include <vector>

#include "scenario/yaml_fields.hpp"

namespace fleetsim::scenario {

enum class IdleMode { separate, shared };
enum class OverheadSplit { even, proportional };

struct OverheadItem {
  std::string name;
  double usd_per_hour = 0;
};

struct AllocationSpec {
  IdleMode idle = IdleMode::separate;
  OverheadSplit overhead_split = OverheadSplit::even;
  std::vector<OverheadItem> overhead;
};

inline constexpr double kHoursPerMonth = 730.0;

// `root` is the scenario's top level; no `allocation` key gives the defaults.
AllocationSpec parse_allocation(const Fields& root);
// The `allocation:` block of a scenario's YAML text (the text a run records);
// the rest of the document is not looked at.
AllocationSpec allocation_from_text(const std::string& yaml_text, const std::string& file);

}  // namespace fleetsim::scenario
