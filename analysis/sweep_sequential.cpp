#include "analysis/sweep_sequential.hpp"

#include <cmath>
#include <limits>

#include "analysis/stats.hpp"

namespace fleetsim::analysis {

std::size_t seeds_needed(const scenario::SweepSequential& rule, std::size_t max_seeds,
                         const std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n < rule.min_seeds) return rule.min_seeds;
  if (n >= max_seeds) return n;
  std::vector<double> x;
  for (double v : values)
    if (!std::isnan(v)) x.push_back(v);
  const MeanCI ci = mean_ci95(x);
  const double target = rule.half_width > 0 ? rule.half_width : rule.relative * std::abs(ci.mean);
  return ci.n >= 2 && ci.half_width <= target ? n : n + 1;
}

namespace {
double metric_of(const RunRecord& r, const std::string& name) {
  for (const auto& [n, v] : r.metrics)
    if (n == name) return v;
  return std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

NeededRuns needed_runs(const SweepDesign& d, const std::optional<scenario::SweepSequential>& rule,
                       const std::function<const RunRecord*(std::size_t)>& find) {
  NeededRuns out;
  const std::size_t seeds = d.seeds.size();
  for (std::size_t p = 0; p < d.points.size(); ++p) {
    std::vector<double> values;
    bool gap = false;  // a seed before this one has not run: the rule cannot look further
    for (std::size_t s = 0; s < seeds; ++s) {
      const std::size_t k = p * seeds + s;
      if (rule) {
        const std::size_t need = gap ? rule->min_seeds : seeds_needed(*rule, seeds, values);
        if (s >= need) break;
      }
      const RunRecord* r = find(k);
      if (!r) {
        out.missing.push_back(k);
        gap = true;
        continue;
      }
      out.present.push_back(k);
      if (rule && !gap) values.push_back(metric_of(*r, rule->metric));
    }
  }
  return out;
}

}  // namespace fleetsim::analysis
