#include "models/gpu_sharing.hpp"

#include <algorithm>
#include <numeric>

#include "sim/time.hpp"

namespace fleetsim::models {

const char* to_string(SharingMode m) {
  switch (m) {
    case SharingMode::none: return "none";
    case SharingMode::time_slicing: return "time-slicing";
    case SharingMode::mps: return "mps";
    case SharingMode::fractional: return "fractional";
    case SharingMode::mig: return "mig";
  }
  return "?";
}

std::vector<double> tenant_compute(const GpuSharing& s, std::span<const double> demands) {
  const std::size_t n = demands.size();
  std::vector<double> got(n, 0.0);
  if (n == 0) return got;
  if (s.mode == SharingMode::mps) {
    const double cap = 1.0 / std::max(1, s.replicas);
    for (std::size_t i = 0; i < n; ++i) got[i] = std::min(demands[i], cap);
    return got;
  }
  if (s.mode == SharingMode::mig || s.mode == SharingMode::none) {
    for (std::size_t i = 0; i < n; ++i) got[i] = std::min(demands[i], 1.0);
    return got;
  }
  // Water-filling: smallest demands first; each takes min(demand, fair share of what is left).
  double left = n > 1 ? 1.0 - s.context_switch_overhead : 1.0;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return demands[a] < demands[b]; });
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    const double fair = left / static_cast<double>(n - k);
    got[i] = std::min(demands[i], fair);
    left -= got[i];
  }
  return got;
}

std::int64_t crash_backoff_us(int crash) {
  const std::int64_t base = 10 * sim::kSecond, cap = 300 * sim::kSecond;
  std::int64_t d = base;
  for (int i = 1; i < crash && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

}  // namespace fleetsim::models
