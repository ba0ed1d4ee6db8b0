#include "policies/autoscaling/hpa.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "policies/autoscaling/hpa_replicas.hpp"

namespace fleetsim::policies {

Hpa::Hpa(HpaConfig config) : config_(std::move(config)) {
  if (config_.min_replicas < 0 || config_.max_replicas < std::max(1, config_.min_replicas))
    throw std::invalid_argument("hpa: need 0 <= min_replicas <= max_replicas and max_replicas >= 1");
  if (!(config_.tolerance >= 0) || config_.sync_period <= 0)
    throw std::invalid_argument("hpa: need tolerance >= 0 and a sync period > 0");
}

int Hpa::desired(const AutoscalerView& v) {
  const int current = v.current_replicas;
  if (current == 0 && config_.min_replicas != 0) return 0;  // autoscaling disabled
  if (current > config_.max_replicas) return config_.max_replicas;
  if (current < config_.min_replicas) return config_.min_replicas;
  const int stabilized = stabilize(v.now, current, from_metrics(v));
  const int out = limit_rate(v.now, current, stabilized);
  // Scale events feed the per-period limits. Events older than the longest
  // policy period can no longer matter; drop them to keep the lists short.
  if (out > current) up_events_.push_back({v.now, out - current});
  if (out < current) down_events_.push_back({v.now, current - out});
  sim::SimTime longest = 0;
  for (const auto* r : {&config_.scale_up, &config_.scale_down})
    for (const auto& p : r->policies) longest = std::max(longest, p.period);
  for (auto* ev : {&up_events_, &down_events_})
    while (!ev->empty() && ev->front().at <= v.now - longest) ev->pop_front();
  return out;
}

// Max over metrics. A metric that cannot be computed makes the HPA skip a
// scale-down but still allows a scale-up; with none computable, keep.
int Hpa::from_metrics(const AutoscalerView& v) const {
  int best = 0;
  bool any = false, invalid = false;
  for (const auto& m : v.metrics) {
    const auto r = hpa_metric_replicas(m, v.current_replicas, config_.tolerance);
    if (!r) {
      invalid = true;
      continue;
    }
    best = any ? std::max(best, *r) : *r;
    any = true;
  }
  if (!any || (invalid && best < v.current_replicas)) return v.current_replicas;
  return best;
}

// stabilizeRecommendationWithBehaviors: recommendations strictly newer than
// now - window count (time.After); the current one always does.
int Hpa::stabilize(sim::SimTime now, int current, int desired) {
  int up = desired, down = desired;
  for (const auto& r : recommendations_) {
    if (r.at > now - config_.scale_up.stabilization_window) up = std::min(up, r.value);
    if (r.at > now - config_.scale_down.stabilization_window) down = std::max(down, r.value);
  }
  const sim::SimTime keep = std::max(config_.scale_up.stabilization_window, config_.scale_down.stabilization_window);
  while (!recommendations_.empty() && recommendations_.front().at <= now - keep) recommendations_.pop_front();
  recommendations_.push_back({now, desired});
  return std::clamp(current, up, down);  // up <= desired <= down
}

// Sum of the changes recorded strictly after now - period.
int Hpa::change_in_period(const std::deque<Stamped>& events, sim::SimTime now, sim::SimTime period) const {
  int sum = 0;
  for (const auto& e : events)
    if (e.at > now - period) sum += e.value;
  return sum;
}

// convertDesiredReplicasWithBehaviorRate and the two limit calculations.
int Hpa::limit_rate(sim::SimTime now, int current, int desired) const {
  auto period_start = [&](const HpaScalingPolicy& p) {
    return current - change_in_period(up_events_, now, p.period) + change_in_period(down_events_, now, p.period);
  };
  if (desired > current) {
    const auto& r = config_.scale_up;
    int limit = current;
    if (r.select != HpaSelect::disabled) {
      limit = r.select == HpaSelect::min ? INT_MAX : INT_MIN;
      for (const auto& p : r.policies) {
        const int start = period_start(p);
        const int proposed = p.type == HpaScalingPolicy::Type::pods
                                 ? start + p.value
                                 : static_cast<int>(std::ceil(start * (1 + p.value / 100.0)));
        limit = r.select == HpaSelect::min ? std::min(limit, proposed) : std::max(limit, proposed);
      }
      limit = std::max(limit, current);
    }
    return std::min({desired, limit, config_.max_replicas});
  }
  if (desired < current) {
    const auto& r = config_.scale_down;
    int limit = current;
    if (r.select != HpaSelect::disabled) {
      limit = r.select == HpaSelect::min ? INT_MIN : INT_MAX;
      for (const auto& p : r.policies) {
        const int start = period_start(p);
        const int proposed = p.type == HpaScalingPolicy::Type::pods
                                 ? start - p.value
                                 : static_cast<int>(start * (1 - p.value / 100.0));  // Go's int32() truncates
        limit = r.select == HpaSelect::min ? std::max(limit, proposed) : std::min(limit, proposed);
      }
      limit = std::min(limit, current);
    }
    return std::max({desired, limit, config_.min_replicas});
  }
  return desired;
}

std::vector<HpaScalingPolicy> parse_hpa_policies(const std::string& text) {
  std::vector<HpaScalingPolicy> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('='), slash = item.find('/');
    if (eq == std::string::npos || slash == std::string::npos || slash < eq)
      throw std::invalid_argument("hpa policy '" + item + "': expected Type=value/period, e.g. Pods=4/15s");
    HpaScalingPolicy p;
    const std::string type = item.substr(0, eq);
    if (type == "Pods") p.type = HpaScalingPolicy::Type::pods;
    else if (type == "Percent") p.type = HpaScalingPolicy::Type::percent;
    else throw std::invalid_argument("hpa policy type '" + type + "': expected Pods or Percent");
    try {
      std::size_t used = 0;
      p.value = std::stoi(item.substr(eq + 1, slash - eq - 1), &used);
      if (used != slash - eq - 1) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw std::invalid_argument("hpa policy '" + item + "': the value must be an integer");
    }
    const auto period = sim::parse_duration(item.substr(slash + 1));
    if (p.value <= 0 || !period || *period <= 0)
      throw std::invalid_argument("hpa policy '" + item + "': value and period must be > 0");
    p.period = *period;
    out.push_back(p);
  }
  return out;
}

HpaSelect parse_hpa_select(const std::string& text) {
  if (text == "Max") return HpaSelect::max;
  if (text == "Min") return HpaSelect::min;
  if (text == "Disabled") return HpaSelect::disabled;
  throw std::invalid_argument("hpa selectPolicy '" + text + "': expected Max, Min or Disabled");
}


namespace {

HpaConfig hpa_config(const Params& p) {
  HpaConfig c;
  c.min_replicas = static_cast<int>(p.integer("min_replicas"));
  c.max_replicas = static_cast<int>(p.integer("max_replicas"));
  c.tolerance = p.number("tolerance");
  c.sync_period = p.duration("sync_period");
  c.scale_up = {p.duration("scale_up_window"), parse_hpa_policies(p.text("scale_up_policies")),
                parse_hpa_select(p.text("scale_up_select"))};
  c.scale_down = {p.duration("scale_down_window"), parse_hpa_policies(p.text("scale_down_policies")),
                  parse_hpa_select(p.text("scale_down_select"))};
  return c;
}

const bool registered = AutoscalerRegistry::instance().add(
    {"hpa",
     "Kubernetes HorizontalPodAutoscaler (autoscaling/v2): ceil(replicas x metric / target) with tolerance, "
     "scale-down stabilization, scale-up/down behaviour policies and min/max replicas.",
     {{"min_replicas", ParamKind::integer, "1", "fewest replicas (minReplicas)", 0},
      {"max_replicas", ParamKind::integer, "10", "most replicas (maxReplicas)", 1},
      {"tolerance", ParamKind::number, "0.1", "no change while |metric/target - 1| is within this", 0},
      {"sync_period", ParamKind::duration, "15s", "--horizontal-pod-autoscaler-sync-period"},
      {"scale_up_window", ParamKind::duration, "0s", "behavior.scaleUp.stabilizationWindowSeconds"},
      {"scale_up_policies", ParamKind::text, "Percent=100/15s,Pods=4/15s", "behavior.scaleUp.policies"},
      {"scale_up_select", ParamKind::text, "Max", "behavior.scaleUp.selectPolicy: Max, Min or Disabled"},
      {"scale_down_window", ParamKind::duration, "300s", "behavior.scaleDown.stabilizationWindowSeconds"},
      {"scale_down_policies", ParamKind::text, "Percent=100/15s", "behavior.scaleDown.policies"},
      {"scale_down_select", ParamKind::text, "Max", "behavior.scaleDown.selectPolicy: Max, Min or Disabled"}},
     [](const Params& p) { return std::make_unique<Hpa>(hpa_config(p)); }});

}  // namespace

}  // namespace fleetsim::policies
