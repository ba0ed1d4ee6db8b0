// threshold: the rules platform teams write by hand (an alerting rule with a
// `for:` duration driving a +1/-1 step): one more replica when the metric has
// been above `up_above` at every evaluation for `up_for`, or at once when more
// than `queue_above` requests wait; one fewer when it has been below
// `down_below` for `down_for`. After a step the timers restart, so the next step
// needs the condition to hold for a whole duration again (the cooldown such
// rules rely on). The metric is the mean over ready pods with a value of the
// view's metric named `metric`; with no such value nothing is above or below.
#include <algorithm>
#include <optional>
#include <string>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {
namespace {

class Threshold final : public Autoscaler {
 public:
  explicit Threshold(const Params& p)
      : metric_(p.text("metric")),
        up_above_(p.number("up_above")),
        up_for_(p.duration("up_for")),
        queue_above_(p.number("queue_above")),
        down_below_(p.number("down_below")),
        down_for_(p.duration("down_for")),
        min_(static_cast<int>(p.integer("min_replicas"))),
        max_(static_cast<int>(p.integer("max_replicas"))),
        period_(p.duration("period")) {}

  sim::SimTime period() const override { return period_; }

  int desired(const AutoscalerView& v) override {
    const auto value = mean_value(v);
    track(above_since_, value && *value > up_above_, v.now);
    track(below_since_, value && *value < down_below_, v.now);
    int out = v.current_replicas;
    if (v.queued > queue_above_ || held(above_since_, up_for_, v.now)) out = v.current_replicas + 1;
    else if (held(below_since_, down_for_, v.now)) out = v.current_replicas - 1;
    if (out != v.current_replicas) above_since_.reset(), below_since_.reset();
    return std::clamp(out, min_, std::max(min_, max_));
  }

 private:
  std::optional<double> mean_value(const AutoscalerView& v) const {
    for (const auto& m : v.metrics) {
      if (m.name != metric_) continue;
      double sum = 0;
      int n = 0;
      for (const auto& pod : m.pods)
        if (pod.ready && pod.value) sum += *pod.value, ++n;
      if (n > 0) return sum / n;
    }
    return std::nullopt;
  }
  static void track(std::optional<sim::SimTime>& since, bool now_true, sim::SimTime now) {
    if (!now_true) since.reset();
    else if (!since) since = now;
  }
  static bool held(const std::optional<sim::SimTime>& since, sim::SimTime duration, sim::SimTime now) {
    return since && now - *since >= duration;
  }

  std::string metric_;
  double up_above_;
  sim::SimTime up_for_;
  double queue_above_, down_below_;
  sim::SimTime down_for_;
  int min_, max_;
  sim::SimTime period_;
  std::optional<sim::SimTime> above_since_, below_since_;
};

const bool registered = AutoscalerRegistry::instance().add(
    {"threshold",
     "Rule-based steps: +1 replica when the metric stays above up_above for up_for (or the queue exceeds "
     "queue_above), -1 when it stays below down_below for down_for.",
     {{"metric", ParamKind::text, "gpu_utilization", "name of the metric compared (mean over ready pods)"},
      {"up_above", ParamKind::number, "70", "scale up above this value"},
      {"up_for", ParamKind::duration, "2m", "for this long"},
      {"queue_above", ParamKind::number, "100", "or at once when more requests than this wait", 0},
      {"down_below", ParamKind::number, "20", "scale down below this value"},
      {"down_for", ParamKind::duration, "10m", "for this long"},
      {"min_replicas", ParamKind::integer, "1", "fewest replicas", 0},
      {"max_replicas", ParamKind::integer, "10", "most replicas", 1},
      {"period", ParamKind::duration, "15s", "how often the rules are evaluated"}},
     [](const Params& p) { return std::make_unique<Threshold>(p); }});

}  // namespace
}  // namespace fleetsim::policies
