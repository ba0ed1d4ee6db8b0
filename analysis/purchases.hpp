#pragma once
// A run's bill under its scenario's purchase options (purchasing:): the hourly
// usage of its nodes, the commitments held (the scenario's plus what its
// purchase policy buys from that usage), and the bill with them applied
// (models/purchasing.hpp). Summary::cost_total stays the bill at on-demand and
// spot prices, which "allocated + idle" adds up to; the purchased bill is
// reported beside it: list (= cost_total), effective, and the commitments'
// unused part, with commitment savings = list - effective (docs/purchasing.md).
#include <string>

#include "analysis/summary.hpp"
#include "models/purchasing.hpp"
#include "scenario/purchasing_yaml.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

// Billed instance-hours of every node in each clock hour of the run, by pool
// and instance type; a node's billing-minimum top-up is booked in its first
// hour; a spot node's bill is spread over its hours in proportion to time.
models::UsageCurve usage_curve(const world::RunResult& r);

// The commitments held (scenario's, then the policy's) and the bill with them.
Summary::Purchases purchase(const world::RunResult& r, const scenario::PurchasingSpec& spec);

// Sets s.purchases when the scenario has a purchasing: block.
void add_purchases(Summary& s, const world::RunResult& r, const scenario::PurchasingSpec& spec);

// usage.csv, written for every run: hour, category (pool), cloud, region,
// instance_type, capacity_type, ondemand_usd_per_hour, instance_hours, spot_usd.
// `fleetsim commit RUN_DIR` reads it back.
void write_usage_csv(const std::string& path, const models::UsageCurve& usage);
models::UsageCurve load_usage_csv(const std::string& path);  // throws InputError

// purchases.csv: hour, hour_start_s, category, list_usd, effective_usd, unused_commitment_usd.
void write_purchases_csv(const std::string& path, const Summary::Purchases& p);

}  // namespace fleetsim::analysis
