#pragma once
// The HPA's per-metric replica calculation (kubernetes/kubernetes
// pkg/controller/podautoscaler/replica_calculator.go), before stabilization and
// behaviour limits: ratio = current / target; within tolerance keep the
// replicas; else ceil(ratio x pods with metrics). Missing and unready pods are
// handled by the documented conservative rule (SEMANTICS.md §6.1).
#include <optional>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {

// The replicas one metric asks for, or nullopt when it cannot say (no ready pod
// has a value, or a target <= 0): the HPA then treats the metric as invalid.
std::optional<int> hpa_metric_replicas(const MetricView& metric, int current_replicas, double tolerance);

}  // namespace fleetsim::policies
