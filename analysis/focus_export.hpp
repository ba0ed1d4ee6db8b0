#pragma once
// focus.csv: the run's bill as FOCUS cost and usage rows (FinOps Open Cost and
// Usage Specification 1.x, FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec
// specification/columns/*.md): one Usage row per node per clock hour it was
// billed. docs/cost.md maps every column.
#include <functional>
#include <string>
#include <vector>

#include "world/run_result.hpp"

namespace fleetsim::analysis {

// Charge periods are placed on a calendar: the scenario has no start date, so
// simulated time 0 is this fixed epoch (1970-01-01T00:00:00Z; docs/cost.md).
inline constexpr const char* kFocusEpoch = "1970-01-01T00:00:00Z";

struct FocusOptions {
  // The hook for commitment discounts (reserved instances, savings plans): a
  // non-empty id for a node billed under a commitment gives its rows
  // PricingCategory "Committed" and that CommitmentDiscountId. Unset: none.
  std::function<std::string(models::NodeId)> commitment_id;
};

struct FocusRow {
  models::NodeId node = 0;
  sim::SimTime period_start = 0, period_end = 0;  // the clock hour
  double quantity_h = 0;      // hours of the node billed in it
  double billed_usd = 0;
  double list_usd = 0;
  double list_unit_price = 0;
  std::string pricing_category;  // Standard, Dynamic, Committed
  std::string commitment_id;
};

// The rows in node order, then time. A node's rows share its bill in
// proportion to the time of its billed span [launch, launch + billed_s] that
// falls in each hour (the billing minimum extends the span), so they add up to
// NodeBill::cost_usd exactly up to rounding; for spot nodes priced by a series
// this spreads the bill evenly over the time rather than at each hour's price.
std::vector<FocusRow> focus_rows(const world::RunResult& r, const FocusOptions& options = {});

// ISO 8601 UTC ("1970-01-02T03:00:00Z") of a simulated time after kFocusEpoch.
std::string focus_time(sim::SimTime t);

// The FOCUS columns written, in order.
const std::vector<std::string>& focus_columns();

std::string focus_csv(const world::RunResult& r, const FocusOptions& options = {});
// Written to path + ".tmp" and renamed.
void write_focus_csv(const std::string& path, const world::RunResult& r);

}  // namespace fleetsim::analysis
