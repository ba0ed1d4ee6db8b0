// Included by queueing.hpp: the bisection behind the percentiles.
#include <cmath>

namespace fleetsim::models::serving {

template <class Cdf>
double quantile_by_bisection(const Cdf& cdf, double p, double scale) {
  if (cdf(0.0) >= p) return 0.0;
  double lo = 0.0, hi = scale > 0 ? scale : 1.0;
  while (cdf(hi) < p) {  // the distributions here have exponential tails: this ends
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) >= p ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace fleetsim::models::serving
