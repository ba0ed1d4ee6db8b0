// Follows GetResourceReplicas / calcPlainMetricReplicas and
// GetExternalPerPodMetricReplicas of replica_calculator.go:
// 1. Pods split into ready-with-value, unready (ignored at first) and missing.
// 2. ratio = mean over ready pods with values / target.
// 3. No unready pods pushing a scale-up and none missing: within tolerance keep
//    current replicas, else ceil(ratio x ready pods with values).
// 4. Otherwise fill in the conservative values (missing pods at the target, or
//    100% of the request for utilization if higher, on a scale-down and at 0 on
//    a scale-up; unready pods at 0 on a scale-up), recompute the ratio, and keep
//    the current replicas if it is within tolerance, flips direction, or the new
//    count moves against the ratio.
#include "policies/autoscaling/hpa_replicas.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim::policies {
namespace {

int ceil_int(double x) { return static_cast<int>(std::ceil(x)); }

std::optional<int> external_replicas(const MetricView& m, int current, double tolerance) {
  // AverageValue over the service: desired = ceil(total / target), unless the
  // ratio against the current replicas is within tolerance.
  if (current > 0 && std::abs(m.total / (m.target * current) - 1.0) <= tolerance) return current;
  return ceil_int(m.total / m.target);
}

}  // namespace

std::optional<int> hpa_metric_replicas(const MetricView& m, int current, double tolerance) {
  if (!(m.target > 0)) return std::nullopt;
  if (m.type == MetricTarget::external_total) return external_replicas(m, current, tolerance);

  double sum = 0;
  int ready = 0, unready = 0, missing = 0;
  for (const auto& p : m.pods) {
    if (!p.ready) ++unready;
    else if (!p.value) ++missing;
    else {
      sum += *p.value;
      ++ready;
    }
  }
  if (ready == 0) return std::nullopt;  // "did not receive metrics for targeted pods"
  const double ratio = sum / ready / m.target;
  const bool scale_up_with_unready = unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready && missing == 0) {
    if (std::abs(1.0 - ratio) <= tolerance) return current;
    return ceil_int(ratio * ready);
  }

  double new_sum = sum;
  int counted = ready;
  if (missing > 0 && ratio != 1.0) {
    const double fallback =
        ratio < 1.0 ? (m.type == MetricTarget::utilization ? std::max(100.0, m.target) : m.target) : 0.0;
    new_sum += missing * fallback;
    counted += missing;
  }
  if (scale_up_with_unready) counted += unready;  // at 0
  const double new_ratio = new_sum / counted / m.target;
  if (std::abs(1.0 - new_ratio) <= tolerance || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0))
    return current;
  const int replicas = ceil_int(new_ratio * counted);
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current)) return current;
  return replicas;
}

}  // namespace fleetsim::policies
