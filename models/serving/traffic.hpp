#pragma once
// A service's request rate over time: a mean rate shaped by a daily profile (24
// hourly factors) and a weekly one (7 daily factors), or a recorded rate trace.
// Rates are piecewise constant, so the fluid queue (fluid_queue.hpp) accounts
// them exactly; the process's randomness (Poisson or burstier) is a property of
// the arrivals that the per-replica latency model uses (latency_mix.hpp).
#include <vector>

#include "models/serving/fluid_queue.hpp"
#include "sim/time.hpp"

namespace fleetsim::models::serving {

struct Traffic {
  double mean_rate = 0;        // requests/s, the average over a profile's day and week
  std::vector<double> daily;   // 24 factors for hours 0..23 (scenario time), mean 1; empty = flat
  std::vector<double> weekly;  // 7 factors for days 0..6 from the start, mean 1; empty = flat
  // A recorded rate: pieces in time order, the first at 0; the last rate holds
  // after the last piece. Replaces mean_rate and the profiles when set.
  std::vector<RatePiece> trace;
  // Squared coefficient of variation of the inter-arrival times: 1 for Poisson,
  // above 1 for bursty arrivals.
  double arrival_scv = 1;

  double rate_at(sim::SimTime t) const;
  // The pieces covering [from, to): the first starts at `from`, each starts where
  // the rate changes. Appends to `out` (cleared first).
  void pieces(sim::SimTime from, sim::SimTime to, std::vector<RatePiece>& out) const;
  // The next time after t at which the rate changes (kNever if never).
  sim::SimTime next_change(sim::SimTime t) const;
};

// Scales factors to mean 1; throws std::invalid_argument if any is negative or
// all are 0.
std::vector<double> normalized_profile(std::vector<double> factors);

}  // namespace fleetsim::models::serving
