// kpa: the Knative Pod Autoscaler (knative/serving pkg/autoscaler/scaling,
// defaults of config-autoscaler; SEMANTICS.md §6.3), on request concurrency:
// - every tick (2 s) the service's concurrency is sampled into two sliding
//   windows: stable (60 s) and panic (10% of it: 6 s);
// - the per-pod target is `target` if set, else target_percentage (70%) of
//   container_concurrency, or of the default 100 when there is no hard limit;
// - desired = ceil(stable average / target); the panic desired uses the panic
//   average. Both are bounded per tick by max_scale_up_rate x ready pods and
//   ready pods / max_scale_down_rate;
// - panic starts when panic desired / ready pods >= panic_threshold (200%); while
//   panicking the count follows the panic desired and never goes down; panic
//   ends after a stable window without crossing the threshold;
// - scale to zero when the stable average is 0 for scale_to_zero_grace_period
//   (30 s) more; from zero, requests held by the activator count as concurrency,
//   so the first request scales to at least one pod;
// - min_scale and max_scale (0 = unbounded) bound the answer.
// Simplified: the windows average the samples taken each tick (Knative averages
// per-second buckets of per-pod scrapes), and target-burst-capacity (whether the
// activator stays in the request path) is not modelled.
#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {
namespace {

class Kpa final : public Autoscaler {
 public:
  explicit Kpa(const Params& p)
      : tick_(p.duration("tick_interval")),
        stable_(p.duration("stable_window")),
        panic_(static_cast<sim::SimTime>(static_cast<double>(p.duration("stable_window")) *
                                         p.number("panic_window_percentage") / 100)),
        panic_threshold_(p.number("panic_threshold_percentage") / 100),
        up_rate_(p.number("max_scale_up_rate")),
        down_rate_(p.number("max_scale_down_rate")),
        grace_(p.duration("scale_to_zero_grace_period")),
        min_(static_cast<int>(p.integer("min_scale"))),
        max_(static_cast<int>(p.integer("max_scale"))) {
    const double cc = p.number("container_concurrency");
    target_ = p.number("target") > 0 ? p.number("target")
                                     : (cc > 0 ? cc : 100.0) * p.number("target_percentage") / 100;
  }

  sim::SimTime period() const override { return tick_; }

  int desired(const AutoscalerView& v) override {
    samples_.push_back({v.now, v.concurrency});
    while (!samples_.empty() && samples_.front().at <= v.now - stable_) samples_.pop_front();
    const double stable = average(v.now - stable_), panic = average(v.now - panic_);
    const int ready = std::max(1, v.ready_replicas);
    const int up = static_cast<int>(std::ceil(up_rate_ * ready));
    const int down = down_rate_ > 0 ? static_cast<int>(std::floor(ready / down_rate_)) : 0;
    const auto bound = [&](double pods) { return std::clamp(static_cast<int>(std::ceil(pods)), down, up); };
    int want = bound(stable / target_);
    const int panic_want = bound(panic / target_);
    const bool over = static_cast<double>(panic_want) / ready >= panic_threshold_;
    if (over) panic_since_ = v.now;  // (re)starts or extends the panic
    else if (panic_since_ && v.now >= *panic_since_ + stable_) panic_since_.reset(), max_panic_ = 0;
    if (panic_since_) {
      max_panic_ = std::max({max_panic_, panic_want, v.current_replicas});
      want = max_panic_;
    }
    // Zero only after the stable window saw no requests for the grace period.
    if (stable > 0) zero_since_.reset();
    else if (!zero_since_) zero_since_ = v.now;
    if (want == 0 && v.current_replicas > 0 && v.now < *zero_since_ + grace_) want = 1;
    if (v.concurrency > 0 || v.queued > 0) want = std::max(want, 1);  // the activator holds a request
    want = std::max(want, min_);
    if (max_ > 0) want = std::min(want, max_);
    return want;
  }

 private:
  struct Sample {
    sim::SimTime at;
    double value;
  };
  double average(sim::SimTime after) const {
    double sum = 0;
    int n = 0;
    for (const auto& s : samples_)
      if (s.at > after) sum += s.value, ++n;
    return n > 0 ? sum / n : 0;
  }

  sim::SimTime tick_, stable_, panic_;
  double panic_threshold_, up_rate_, down_rate_;
  sim::SimTime grace_;
  int min_, max_;
  double target_ = 70;
  std::deque<Sample> samples_;
  std::optional<sim::SimTime> panic_since_, zero_since_;
  int max_panic_ = 0;
};

const bool registered = AutoscalerRegistry::instance().add(
    {"kpa",
     "Knative Pod Autoscaler: concurrency per pod over a 60 s stable and a 6 s panic window, scale to zero",
     {{"container_concurrency", ParamKind::number, "0", "containerConcurrency: hard limit per pod (0 = none)", 0},
      {"target_percentage", ParamKind::number, "70", "container-concurrency-target-percentage", 1, 100},
      {"target", ParamKind::number, "0", "autoscaling.knative.dev/target: concurrency per pod (0 = from the above)", 0},
      {"stable_window", ParamKind::duration, "60s", "stable-window"},
      {"panic_window_percentage", ParamKind::number, "10", "panic-window-percentage", 1, 100},
      {"panic_threshold_percentage", ParamKind::number, "200", "panic-threshold-percentage", 110},
      {"max_scale_up_rate", ParamKind::number, "1000", "max-scale-up-rate", 1},
      {"max_scale_down_rate", ParamKind::number, "2", "max-scale-down-rate", 1},
      {"scale_to_zero_grace_period", ParamKind::duration, "30s", "scale-to-zero-grace-period"},
      {"min_scale", ParamKind::integer, "0", "autoscaling.knative.dev/min-scale", 0},
      {"max_scale", ParamKind::integer, "0", "autoscaling.knative.dev/max-scale (0 = unbounded)", 0},
      {"tick_interval", ParamKind::duration, "2s", "tick-interval"}},
     [](const Params& p) { return std::make_unique<Kpa>(p); }});

}  // namespace
}  // namespace fleetsim::policies
