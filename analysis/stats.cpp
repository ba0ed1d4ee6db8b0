#include "analysis/stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace fleetsim::analysis {

MeanCI mean_ci95(const std::vector<double>& x) {
  MeanCI c;
  c.n = x.size();
  if (x.empty()) return c;
  double sum = 0;
  for (double v : x) sum += v;
  c.mean = sum / static_cast<double>(x.size());
  if (x.size() < 2) return c;
  double ss = 0;
  for (double v : x) ss += (v - c.mean) * (v - c.mean);
  const double sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
  boost::math::students_t t(static_cast<double>(x.size() - 1));
  c.half_width = boost::math::quantile(t, 0.975) * sd / std::sqrt(static_cast<double>(x.size()));
  return c;
}

}  // namespace fleetsim::analysis
