#pragma once
// How a service's replica count follows its load. The world calls desired()
// every period() with what the autoscaler can observe and sets the service's
// replicas to the answer; new replicas then go through scheduling, node
// provisioning and the cold start like any pod. An autoscaler keeps its own
// history (past recommendations, scale events, timers), as the real controllers
// do, so the view holds only what is observed now.
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

// One pod as the HPA sees it. `ready` is false for pods the HPA counts as
// unready: Pending, not yet Ready, or (for CPU) still in the initialization
// period. `value` is empty when the metrics pipeline has nothing for the pod.
struct PodMetric {
  bool ready = true;
  std::optional<double> value;
};

enum class MetricTarget {
  utilization,    // Resource metric, value and target in percent of the request
  average_value,  // Pods metric (or Resource AverageValue): per-pod value vs per-pod target
  external_total  // External metric with an AverageValue target: `total` over the service
};

struct MetricView {
  std::string name;  // "gpu_utilization", "requests_per_s", "queue_depth", ...
  MetricTarget type = MetricTarget::average_value;
  double target = 0;           // per pod
  std::vector<PodMetric> pods;  // utilization and average_value: one per pod of the service
  double total = 0;            // external_total: the metric's value for the whole service
};

struct AutoscalerView {
  sim::SimTime now = 0;
  int current_replicas = 0;  // spec.replicas: what was last asked for
  int ready_replicas = 0;
  std::vector<MetricView> metrics;
  // Request-level signals for rule- and event-driven scalers.
  double queued = 0;        // requests waiting
  double arrival_rate = 0;  // requests/s observed over the last period
  double concurrency = 0;   // requests in flight (waiting or in service), mean over the last period
};

class Autoscaler {
 public:
  virtual ~Autoscaler() = default;
  // How often desired() is called (HPA: the 15 s sync period).
  virtual sim::SimTime period() const = 0;
  // The replica count to set now.
  virtual int desired(const AutoscalerView& view) = 0;
};

using AutoscalerRegistry = Registry<Autoscaler>;

}  // namespace fleetsim::policies
