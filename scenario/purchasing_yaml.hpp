#pragma once
// The scenario's `purchasing:` block: how capacity is bought (docs/purchasing.md).
//
//   purchasing:
//     policy: reserved-baseline            # or {policy: spot-tolerant, pools: "train, batch"}
//     price_book: builtin                  # or a CSV path, relative to the scenario
//     reserved:
//       - {instance_type: p4d.24xlarge, count: 2, term: 1y, payment: partial-upfront}
//     savings_plan: {usd_per_hour: 10, term: 1y, type: compute}
//
// A policy that moves pools to spot (spot-tolerant) rewrites those pools in the
// YAML before the cluster is read; everything else applies after the run.
#include <memory>
#include <string>

#include "models/instance_catalog.hpp"
#include "models/price_book.hpp"
#include "models/purchasing.hpp"
#include "scenario/policy_yaml.hpp"
#include "scenario/yaml_fields.hpp"

namespace fleetsim::scenario {

struct PurchasingSpec {
  bool present = false;  // the scenario has a purchasing: block
  PolicyChoice policy{"on-demand", {}};
  std::string price_book_path;
  std::shared_ptr<const models::PriceBook> book;
  models::Commitments held;  // the reservations and savings plan the scenario lists
};

// Reads root's `purchasing:` (call after the catalog is read, before the
// cluster: it may rewrite pools to spot). Throws InputError naming file, line and field.
PurchasingSpec parse_purchasing(const Fields& root, const std::string& base_dir, const models::InstanceCatalog& catalog);

}  // namespace fleetsim::scenario
