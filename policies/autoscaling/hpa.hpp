#pragma once
// hpa: the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) controller loop
// for one service, as kubernetes/kubernetes pkg/controller/podautoscaler/
// horizontal.go computes it (SEMANTICS.md §6.1):
//   1. per metric, the replica calculation (hpa_replicas.hpp); the max over
//      metrics; a metric that cannot be computed blocks a scale-down;
//   2. stabilization: the max of the recommendations in the scale-down window
//      (default 300 s), the min of those in the scale-up window (default 0 s);
//   3. behaviour policies: the change allowed per period, measured from the
//      replicas at the period's start (Pods: +-N; Percent: ceil(x(1+P/100))
//      up, floor(x(1-P/100)) down), combined by selectPolicy Max / Min / Disabled;
//   4. min and max replicas. spec.replicas = 0 with minReplicas > 0 disables
//      autoscaling, as in Kubernetes.
#include <deque>
#include <string>
#include <vector>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {

struct HpaScalingPolicy {
  enum class Type { pods, percent } type = Type::pods;
  int value = 0;
  sim::SimTime period = 15 * sim::kSecond;
};

enum class HpaSelect { max, min, disabled };

struct HpaRules {
  sim::SimTime stabilization_window = 0;
  std::vector<HpaScalingPolicy> policies;
  HpaSelect select = HpaSelect::max;
};

struct HpaConfig {
  int min_replicas = 1;
  int max_replicas = 10;
  double tolerance = 0.1;
  sim::SimTime sync_period = 15 * sim::kSecond;
  // Defaults of pkg/apis/autoscaling/v2/defaults.go.
  HpaRules scale_up{0, {{HpaScalingPolicy::Type::percent, 100, 15 * sim::kSecond},
                        {HpaScalingPolicy::Type::pods, 4, 15 * sim::kSecond}}, HpaSelect::max};
  HpaRules scale_down{300 * sim::kSecond, {{HpaScalingPolicy::Type::percent, 100, 15 * sim::kSecond}}, HpaSelect::max};
};

// "Percent=100/15s,Pods=4/15s" -> policies; throws std::invalid_argument.
std::vector<HpaScalingPolicy> parse_hpa_policies(const std::string& text);
HpaSelect parse_hpa_select(const std::string& text);

class Hpa final : public Autoscaler {
 public:
  explicit Hpa(HpaConfig config);
  sim::SimTime period() const override { return config_.sync_period; }
  int desired(const AutoscalerView& view) override;
  const HpaConfig& config() const { return config_; }

 private:
  struct Stamped {
    sim::SimTime at;
    int value;
  };
  int from_metrics(const AutoscalerView& view) const;
  int stabilize(sim::SimTime now, int current, int desired);
  int limit_rate(sim::SimTime now, int current, int desired) const;
  int change_in_period(const std::deque<Stamped>& events, sim::SimTime now, sim::SimTime period) const;

  HpaConfig config_;
  std::deque<Stamped> recommendations_;
  std::deque<Stamped> up_events_, down_events_;  // replicas added / removed
};

}  // namespace fleetsim::policies
