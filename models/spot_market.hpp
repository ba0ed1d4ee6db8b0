#pragma once
// Spot / preemptible capacity as a pure model: prices (flat discount or a price
// series), provider interruptions (a Poisson process per pool, independent or
// correlated), launch failures for lack of capacity, and the AWS billing rules
// for spot instances. It knows nothing of the world: the caller says how many
// spot nodes a pool runs and when a node started and stopped.
//
// Sources: SEMANTICS.md §7 (AWS/GCP/Azure spot behaviour, Spot Instance Advisor
// buckets) and §8.1 (per-second metering with a 60 s minimum).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

enum class CapacityType { on_demand, spot };
// "on-demand" / "spot", the values of Karpenter's karpenter.sh/capacity-type label.
const char* to_string(CapacityType c);
// Accepts "on-demand", "on_demand", "ondemand" and "spot".
std::optional<CapacityType> parse_capacity_type(std::string_view text);

enum class Cloud { aws, gcp, azure };
const char* to_string(Cloud c);
std::optional<Cloud> parse_cloud(std::string_view text);  // "aws", "gcp", "azure"

// The interruption notice (SEMANTICS §7.1-7.4): AWS sends the EC2 Spot
// Instance Interruption Warning 2 minutes (120 s) before it reclaims the
// instance; GCP gives Spot and preemptible VMs 30 s (ACPI soft-off); Azure's
// Scheduled Events `Preempt` gives at least 30 s (we use the minimum, 30 s).
sim::SimTime default_notice(Cloud c);

// Interruption-frequency buckets as the AWS Spot Instance Advisor publishes
// them: "<5%", "5-10%", "10-15%", "15-20%", ">20%", the share of spot instances
// of that type and region that Spot reclaimed during the trailing month.
// monthly_probability is the single value the simulator uses for a bucket: its
// midpoint (0.025, 0.075, 0.125, 0.175), and 0.25 for the open-ended ">20%".
// (SEMANTICS G7.4 suggests sampling within the bucket instead; a fixed value
// keeps runs comparable and can be overridden by giving a number.)
struct InterruptionBucket {
  std::string label;  // canonical form, as above
  double monthly_probability = 0;
};
// Tolerates spaces ("< 5 %", "10 - 15%") and an en dash ("5–10%"); nullopt for
// anything else.
std::optional<InterruptionBucket> parse_bucket(std::string_view label);

// The per-node Poisson rate (per second) that gives P(at least one interruption
// in a 30-day month) = p: 1 - exp(-rate × 30 d) = p  ⇒  rate = -ln(1-p) / (30 d).
// (Per hour that is -ln(1-p)/720, as in SEMANTICS §7.1.) 0 for p = 0. Throws
// std::invalid_argument unless 0 <= p < 1.
double rate_per_second(double monthly_probability);

inline constexpr sim::SimTime kBillingMonth = 30 * sim::kDay;  // 2,592,000 s

// A spot price over time, a step function: usd_per_hour[i] holds from t[i]
// until t[i+1] (the last one for ever). Before t[0] the first price holds.
// t is strictly increasing.
struct SpotPriceSeries {
  std::vector<sim::SimTime> t;
  std::vector<double> usd_per_hour;

  // CSV with a header row and columns `time` (a duration such as "90m" or a
  // number of seconds since the start of the run), `usd_per_hour`, and
  // optionally `instance_type`. With instance_type "" every row is used (and
  // the file must then hold a single type); otherwise only rows of that type.
  // Times must increase strictly, prices be >= 0, and at least one row must
  // remain. Throws InputError naming file:line: column.
  static SpotPriceSeries load_csv(const std::string& path, const std::string& instance_type);

  bool empty() const { return t.empty(); }
  // The price in effect at time `at_time` (USD per hour); 0 for an empty series.
  double at(sim::SimTime at_time) const;
  // ∫ price dt over [from, to], in dollars (price per hour × hours). 0 when to <= from.
  double integral_usd(sim::SimTime from, sim::SimTime to) const;
};

// Recorded interruptions: at each time, the provider reclaims `nodes` of the
// pool's running spot nodes (or `share` of them, rounded up), chosen at random.
// CSV with a header row and columns `time` (a duration or seconds since the
// start), and `nodes` (a whole number >= 1) or `share` (in (0, 1]), and
// optionally `instance_type` (then only rows of the pool's type are used). Times
// increase strictly. Throws InputError naming file:line: column.
struct SpotInterruptionTrace {
  std::vector<sim::SimTime> t;
  std::vector<int> nodes;      // per row; 0 when the file gives shares
  std::vector<double> share;   // per row; 0 when the file gives node counts

  static SpotInterruptionTrace load_csv(const std::string& path, const std::string& instance_type);
  // How many of `running` nodes row i reclaims (at most `running`).
  int reclaimed(std::size_t i, int running) const;
};

struct SpotMarketSpec {
  double discount = 0;  // spot price = on-demand × (1 - discount) when there is no series; [0, 1]
  std::optional<SpotPriceSeries> series;
  double monthly_interruption_probability = 0;  // from a bucket or a number; [0, 1)
  std::optional<SpotInterruptionTrace> trace;   // recorded interruptions instead of the Poisson process
  // Share (0..1] of the pool's spot nodes reclaimed at once when an interruption
  // event hits; 0 = every node is interrupted independently.
  double correlated_share = 0;
  sim::SimTime notice = 120 * sim::kSecond;
  double capacity_shortage_probability = 0;  // a spot launch fails (InsufficientInstanceCapacity); [0, 1]
};

class SpotMarket {
 public:
  // Throws std::invalid_argument naming the field when a value is out of range
  // (see SpotMarketSpec) or the series is present but empty.
  SpotMarket(SpotMarketSpec spec, double on_demand_usd_per_hour);

  // The spot price (USD per hour) in effect at t.
  double price_at(sim::SimTime t) const;
  double on_demand_usd_per_hour() const { return on_demand_; }
  // The per-node interruption rate, per second.
  double rate_per_node_per_second() const { return rate_; }

  // The time of the next interruption event for a pool with `nodes` spot nodes
  // running, drawn from `now`; kNever when nodes <= 0 or the rate is 0. The
  // process is memoryless, so the caller simply draws again whenever the number
  // of nodes changes (and after each event), discarding the old draw.
  //
  // Independent mode: events come at rate × nodes and each takes one node.
  // Correlated mode: each event takes k = reclaimed_per_event(nodes) nodes at
  // once, and events come at rate × nodes / k. Then the expected number of nodes
  // reclaimed per unit time is (rate × nodes / k) × k = rate × nodes, the same
  // as in independent mode: every node still sees the configured per-node rate
  // (and so the configured monthly probability on average), only the losses
  // arrive in bursts, as a shared capacity process per pool does (SEMANTICS §7.4).
  sim::SimTime next_event(sim::Rng& rng, sim::SimTime now, int nodes) const;
  // How many of `nodes` one event reclaims: 1 when independent; ceil(share × nodes)
  // when correlated (at least 1, at most nodes); 0 when nodes <= 0.
  int reclaimed_per_event(int nodes) const;
  // Whether one spot launch fails for lack of capacity (one uniform draw; no draw
  // when the probability is 0).
  bool launch_fails(sim::Rng& rng) const;

  // The charge for one spot node from `launched` (running) to `stopped`, by the
  // AWS rules for Linux/Windows spot (SEMANTICS §7.1 and §8.1):
  //  - interrupted by the provider within its first instance-hour (runtime < 1 h) → $0;
  //  - otherwise (provider after the first hour, or the user stopped it) → per
  //    second at the spot price in effect, billed for max(minimum, runtime): the
  //    series is integrated over [launched, launched + billed], so a short run is
  //    charged as if it had run for the minimum.
  // `minimum` is 60 s on AWS. A stop before launch counts as zero runtime.
  double charge_usd(sim::SimTime launched, sim::SimTime stopped, bool interrupted_by_provider,
                    sim::SimTime minimum) const;

  const SpotMarketSpec& spec() const { return spec_; }

 private:
  SpotMarketSpec spec_;
  double on_demand_;
  double rate_;  // per node per second
};

}  // namespace fleetsim::models
