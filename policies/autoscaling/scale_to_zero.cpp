// scale-to-zero: KEDA's ScaledObject over a request-rate trigger (SEMANTICS.md
// §6.2, https://keda.sh/docs/latest/reference/scaledobject-spec/). KEDA's
// operator handles 0 <-> 1 and a managed HPA handles 1 <-> N:
// - every polling_interval (default 30 s) the trigger is read; it is active
//   when the request rate exceeds activation_threshold or requests are queued;
// - at 0 replicas an active trigger scales to max(1, min_replicas);
// - with min_replicas 0, once the trigger has not been active for more than
//   cooldown_period (default 300 s; KEDA tests lastActive + cooldown < now),
//   the service goes to 0 at the next poll;
// - otherwise the managed HPA (default behaviour, sync 15 s) sizes the service
//   to ceil(rate / target) (an AverageValue external metric), min 1.
// A service never seen active goes to zero once initial_cooldown_period (KEDA's
// initialCooldownPeriod, default 0) has passed since its creation, the first
// call (KEDA compares with the creation time, which precedes the first
// reconcile, so here the comparison is not strict). Requests that arrive
// at zero replicas wait for the next poll and then the cold start, as with
// KEDA's Prometheus-style triggers (its HTTP add-on activates on the request).
#include <algorithm>
#include <optional>

#include "policies/autoscaling/hpa.hpp"

namespace fleetsim::policies {
namespace {

class ScaleToZero final : public Autoscaler {
 public:
  explicit ScaleToZero(const Params& p)
      : min_(static_cast<int>(p.integer("min_replicas"))),
        polling_(p.duration("polling_interval")),
        cooldown_(p.duration("cooldown_period")),
        initial_cooldown_(p.duration("initial_cooldown_period")),
        activation_(p.number("activation_threshold")),
        target_(p.number("target")),
        hpa_(hpa_config(p)) {}

  sim::SimTime period() const override { return hpa_.period(); }

  int desired(const AutoscalerView& v) override {
    if (!created_) created_ = v.now;
    const bool poll = !next_poll_ || v.now >= *next_poll_;
    bool active = false;
    if (poll) {
      next_poll_ = v.now + polling_;
      active = v.arrival_rate > activation_ || v.queued > 0;
      if (active) last_active_ = v.now;
    }
    // minReplicaCount above 0 is kept whatever the trigger says (the HPA's minimum).
    if (v.current_replicas == 0) return active || min_ > 0 ? std::max(1, min_) : 0;
    const bool cooled = last_active_ ? *last_active_ + cooldown_ < v.now : *created_ + initial_cooldown_ <= v.now;
    if (poll && min_ == 0 && cooled) return 0;
    AutoscalerView hv = v;
    hv.metrics = {{"requests_per_s", MetricTarget::external_total, target_, {}, v.arrival_rate}};
    return hpa_.desired(hv);
  }

 private:
  HpaConfig hpa_config(const Params& p) const {
    HpaConfig c;  // Kubernetes' default behaviour
    c.min_replicas = std::max(1, min_);
    c.max_replicas = static_cast<int>(p.integer("max_replicas"));
    return c;
  }

  int min_;
  sim::SimTime polling_, cooldown_, initial_cooldown_;
  double activation_, target_;
  Hpa hpa_;
  std::optional<sim::SimTime> created_, last_active_, next_poll_;
};

const bool registered = AutoscalerRegistry::instance().add(
    {"scale-to-zero",
     "KEDA-style: activation from zero at the first poll that sees requests, back to zero after cooldown_period "
     "without any, and an HPA on requests per second per replica in between.",
     {{"min_replicas", ParamKind::integer, "0", "minReplicaCount", 0},
      {"max_replicas", ParamKind::integer, "100", "maxReplicaCount", 1},
      {"polling_interval", ParamKind::duration, "30s", "pollingInterval: how often the trigger is read"},
      {"cooldown_period", ParamKind::duration, "300s", "cooldownPeriod: idle time before scaling to zero"},
      {"initial_cooldown_period", ParamKind::duration, "0s",
       "initialCooldownPeriod: before a service never active goes to zero"},
      {"activation_threshold", ParamKind::number, "0", "activationThreshold in requests/s", 0},
      {"target", ParamKind::number, "10", "requests/s per replica the HPA aims for (AverageValue)", 0}},
     [](const Params& p) { return std::make_unique<ScaleToZero>(p); }});

}  // namespace
}  // namespace fleetsim::policies
