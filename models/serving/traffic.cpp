#include "models/serving/traffic.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace fleetsim::models::serving {

std::vector<double> normalized_profile(std::vector<double> f) {
  if (f.empty()) return f;
  for (double x : f)
    if (!(x >= 0)) throw std::invalid_argument("profile factors must be >= 0");
  const double mean = std::accumulate(f.begin(), f.end(), 0.0) / static_cast<double>(f.size());
  if (mean <= 0) throw std::invalid_argument("a profile needs at least one factor above 0");
  for (double& x : f) x /= mean;
  return f;
}

double Traffic::rate_at(sim::SimTime t) const {
  if (!trace.empty()) {
    auto it = std::upper_bound(trace.begin(), trace.end(), t,
                               [](sim::SimTime x, const RatePiece& p) { return x < p.start; });
    return it == trace.begin() ? trace.front().rate : std::prev(it)->rate;
  }
  double r = mean_rate;
  if (!daily.empty()) r *= daily[static_cast<std::size_t>((t / sim::kHour) % 24)];
  if (!weekly.empty()) r *= weekly[static_cast<std::size_t>((t / (24 * sim::kHour)) % 7)];
  return r;
}

sim::SimTime Traffic::next_change(sim::SimTime t) const {
  if (!trace.empty()) {
    auto it = std::upper_bound(trace.begin(), trace.end(), t,
                               [](sim::SimTime x, const RatePiece& p) { return x < p.start; });
    return it == trace.end() ? sim::kNever : it->start;
  }
  if (!daily.empty()) return (t / sim::kHour + 1) * sim::kHour;
  if (!weekly.empty()) return (t / (24 * sim::kHour) + 1) * 24 * sim::kHour;
  return sim::kNever;
}

void Traffic::pieces(sim::SimTime from, sim::SimTime to, std::vector<RatePiece>& out) const {
  out.clear();
  for (sim::SimTime t = from; t < to || out.empty(); t = next_change(t)) {
    const double r = rate_at(t);
    if (out.empty() || out.back().rate != r) out.push_back({t, r});
    if (next_change(t) == sim::kNever) break;
  }
}

}  // namespace fleetsim::models::serving
