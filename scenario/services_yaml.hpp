#pragma once
// The scenario's `services:` section: online inference services, each a
// Deployment whose replicas are pods competing for GPUs with the rest of the
// workload, receiving requests at a rate that varies over time, sized by an
// autoscaler (docs/serving.md documents every key).
#include <yaml-cpp/yaml.h>

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/job.hpp"
#include "models/serving/latency_mix.hpp"
#include "models/serving/traffic.hpp"
#include "scenario/policy_yaml.hpp"
#include "sim/time.hpp"

namespace fleetsim::scenario {

// A metric the autoscaler observes, with its per-replica target.
struct ServiceMetric {
  enum class Name { gpu_utilization, requests_per_s, queue_depth, latency_ms };
  Name name = Name::gpu_utilization;
  double target = 60;
};
const char* to_string(ServiceMetric::Name n);

struct ServiceSpec {
  std::string name;
  std::string where;  // "file:line" of the entry
  std::string namespace_ = "default";
  std::string team;
  std::map<std::string, std::string> labels;
  std::string priority_class;
  models::PodSpec pod;               // one replica's request
  double gpu_busy_at_capacity = 1;   // share of its GPU a replica keeps busy at full load
  models::serving::ReplicaModel model;
  models::serving::Traffic traffic;
  double queue_cap = std::numeric_limits<double>::infinity();  // requests waiting, all replicas
  sim::SimTime timeout = 60 * sim::kSecond;                    // longest a request waits for a replica
  sim::SimTime slo = sim::kSecond;                             // latency target
  sim::SimTime image_pull = 0, model_load = 0;                 // cold start once a replica is placed
  int replicas = 1;                  // at the start; fixed when there is no autoscaler
  std::optional<PolicyChoice> autoscaler;
  std::vector<ServiceMetric> metrics;  // what the autoscaler observes
};

// `node` is the value of the `services:` key; traces are resolved against
// base_dir. Throws InputError naming file, line and field.
std::vector<ServiceSpec> parse_services(const YAML::Node& node, const std::string& file, const std::string& base_dir);

}  // namespace fleetsim::scenario
