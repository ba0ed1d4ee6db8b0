#pragma once
// A run's bill under purchase options: reserved instances (or committed-use
// discounts) and a savings plan applied hour by hour to the hourly usage of its
// on-demand nodes. Spot usage is left as billed: commitments never apply to it.
//
// Rules (docs/purchasing.md, ../shared/SEMANTICS.md §8):
// - A reservation of N instances of a type covers, in each clock hour, up to N
//   instance-hours of running instances of exactly that type, cloud and region,
//   at its effective hourly rate; the hours it does not cover are still paid
//   (AWS: "a billing discount applied each hour"; unused hours are not carried
//   over, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/apply_ri.html).
// - Reservations apply before savings plans
//   (https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html).
// - A savings plan of C $/h pays, each hour, for eligible usage at its plan rate,
//   highest savings percentage first (equal percentages: lowest plan rate first),
//   until C is spent; the rest of the usage is charged on-demand, and the part of
//   C left over is still paid (same AWS page: "applied to your highest savings
//   percentage first ... any remaining usage is charged at the On-Demand rates").
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/price_book.hpp"

namespace fleetsim::models {

// Usage in one clock hour by one category (a node pool) of nodes of one
// instance type at one on-demand rate.
struct UsageSlice {
  std::string category;
  PriceKey key;
  double od_usd_per_hour = 0;   // the nodes' on-demand rate
  double instance_hours = 0;    // billed instance-hours within this hour
  bool spot = false;            // spot: commitments never apply; billed as spot_usd
  double spot_usd = 0;
  double list_usd() const { return spot ? spot_usd : instance_hours * od_usd_per_hour; }
};
using HourUsage = std::vector<UsageSlice>;
using UsageCurve = std::vector<HourUsage>;  // index = clock hour since the run's start

struct Reservation {
  PriceKey key;
  int count = 0;
  Offering offering = Offering::reserved;  // or committed_use
  Term term = Term::one_year;
  Payment payment = Payment::no_upfront;
  double effective_usd_per_hour = 0;      // per instance, from the price book
  std::string label() const;              // "reserved 2 x p4d.24xlarge 1y partial-upfront"
};

struct SavingsPlan {
  Offering kind = Offering::savings_plan_compute;  // or savings_plan_instance
  Term term = Term::one_year;
  double usd_per_hour = 0;                         // the hourly commitment
  std::string family;  // instance plans: the instance family ("p4d"); compute plans: any
  std::string region;  // instance plans: the region; "" = any
  std::string label() const;  // "savings plan compute 1y $10/h"
};

struct Commitments {
  std::vector<Reservation> reserved;
  std::optional<SavingsPlan> savings_plan;
  bool empty() const { return reserved.empty() && !savings_plan; }
};

// "p4d" for "p4d.24xlarge"; the whole name when it has no dot.
std::string instance_family(const std::string& instance_type);

struct BillRow {
  std::size_t hour = 0;
  std::string category;         // a pool, or a commitment's label for its unused part
  double list_usd = 0;          // without commitments: on-demand at the node's rate (spot: as billed)
  double effective_usd = 0;     // with commitments, their fees amortized onto the usage they cover
  double unused_usd = 0;        // commitment rows: the part of the commitment nothing used
};

struct PurchasedBill {
  std::vector<BillRow> rows;    // by hour, then category (pools first, in the usage order, then commitments)
  double list_usd = 0, effective_usd = 0, unused_usd = 0;
  double reserved_hours_used = 0, reserved_hours_unused = 0;  // instance-hours of reservations
  double savings_plan_used_usd = 0;                           // of the plan's commitment, spent on usage
};

// Usage whose instance type has no rate for the savings plan's kind and term in
// `book` is not eligible for the plan and stays on-demand.
PurchasedBill apply_commitments(const UsageCurve& usage, const Commitments& c, const PriceBook& book);

}  // namespace fleetsim::models

namespace fleetsim::models {

// Instance-hours of on-demand usage of `key` in each hour of `usage`.
std::vector<double> hourly_instance_hours(const UsageCurve& usage, const PriceKey& key);
// The on-demand instance types that `usage` uses, in order of first use.
std::vector<PriceKey> on_demand_types(const UsageCurve& usage);
// Share of hours in which reservation unit k (k = 1, 2, ...) would be used: the
// mean over hours of min(1, max(0, u_h - (k - 1))), i.e. how often usage exceeds
// k - 1 instances (fractional hours count in part).
double unit_use_share(const std::vector<double>& hourly, int k);
// The quantile rule: the number of units whose use share exceeds `share`, i.e.
// the usage level exceeded in more than that share of hours. With share = the
// break-even (effective rate / on-demand rate) it is the count that minimizes
// total cost (each further unit saves on-demand x use share and costs its rate).
int reservation_quantile_count(const std::vector<double>& hourly, double share);

}  // namespace fleetsim::models
