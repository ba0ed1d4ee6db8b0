// Karpenter's parameters (NodePool disruption settings, controller timings) and
// the disruption-budget arithmetic.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "policies/provisioning/karpenter.hpp"
#include "util/input_error.hpp"

namespace fleetsim::policies {

std::vector<DisruptionBudget> parse_budgets(const std::string& text) {
  std::vector<DisruptionBudget> out;
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    DisruptionBudget b;
    b.percent = !item.empty() && item.back() == '%';
    if (b.percent) item.remove_suffix(1);
    bool ok = !item.empty();
    for (char ch : item) ok = ok && ch >= '0' && ch <= '9';
    if (!ok)
      throw InputError("karpenter: budget_nodes: expected comma-separated node counts or percentages (\"10%\", \"5\", "
                       "\"20%,5\"), got '" + text + "'");
    b.value = std::stod(std::string(item));
    if (b.percent && b.value > 100) throw InputError("karpenter: budget_nodes: a percentage above 100%: '" + text + "'");
    out.push_back(b);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

int allowed_disruptions(int total, const std::vector<DisruptionBudget>& budgets, int deleting, int not_ready) {
  long long allowed = total;
  for (const auto& b : budgets) {
    const long long n = b.percent ? static_cast<long long>(std::ceil(total * b.value / 100.0 - 1e-9))
                                  : static_cast<long long>(b.value);
    allowed = std::min(allowed, n);
  }
  allowed -= deleting + not_ready;
  return static_cast<int>(std::max(0LL, allowed));
}

int interruption_bucket(double p) { return std::clamp(static_cast<int>(std::floor(p / 0.05 + 1e-9)), 0, 4); }

std::vector<ParamSpec> karpenter_params() {
  return {
      {"batch_idle_duration", ParamKind::duration, "1s",
       "BATCH_IDLE_DURATION: a batch closes this long after the last new pending pod (resolved at `poll`)"},
      {"batch_max_duration", ParamKind::duration, "10s", "BATCH_MAX_DURATION: a batch closes this long after it opened"},
      {"poll", ParamKind::duration, "1s", "how often the controller loop runs (batching granularity)"},
      {"consolidation_policy", ParamKind::text, "WhenEmptyOrUnderutilized",
       "spec.disruption.consolidationPolicy: WhenEmptyOrUnderutilized or WhenEmpty"},
      {"consolidate_after", ParamKind::text, "0s",
       "spec.disruption.consolidateAfter: a duration since the node's pods last changed, or Never"},
      {"budget_nodes", ParamKind::text, "10%",
       "spec.disruption.budgets[].nodes, comma-separated (\"10%\", \"5\", \"20%,5\"); the minimum applies"},
      {"expire_after", ParamKind::text, "720h", "spec.template.spec.expireAfter: a duration, or Never"},
      {"disruption_poll", ParamKind::duration, "10s", "how often the disruption controller runs"},
      {"spot_to_spot_consolidation", ParamKind::boolean, "false", "feature gate SpotToSpotConsolidation"},
      {"unavailable_offering_ttl", ParamKind::duration, "3m",
       "how long an offering that failed to launch or was interrupted is skipped"},
  };
}

namespace {
sim::SimTime duration_or_never(const Params& p, const std::string& name) {
  const std::string& t = p.text(name);
  if (t == "Never") return sim::kNever;
  auto d = sim::parse_duration(t);
  if (!d) throw InputError("karpenter: " + name + ": expected a duration (\"10m\") or Never, got '" + t + "'");
  return *d;
}
}  // namespace

KarpenterConfig karpenter_config(const Params& p) {
  KarpenterConfig c;
  c.batch_idle_duration = p.duration("batch_idle_duration");
  c.batch_max_duration = p.duration("batch_max_duration");
  c.poll = p.duration("poll");
  if (c.poll <= 0) throw InputError("karpenter: poll: expected a positive duration");
  const std::string& pol = p.text("consolidation_policy");
  if (pol == "WhenEmptyOrUnderutilized")
    c.policy = ConsolidationPolicy::when_empty_or_underutilized;
  else if (pol == "WhenEmpty")
    c.policy = ConsolidationPolicy::when_empty;
  else
    throw InputError("karpenter: consolidation_policy: expected WhenEmptyOrUnderutilized or WhenEmpty, got '" + pol +
                     "'");
  c.consolidate_after = duration_or_never(p, "consolidate_after");
  c.budgets = parse_budgets(p.text("budget_nodes"));
  c.expire_after = duration_or_never(p, "expire_after");
  c.disruption_poll = p.duration("disruption_poll");
  c.spot_to_spot_consolidation = p.boolean("spot_to_spot_consolidation");
  c.unavailable_offering_ttl = p.duration("unavailable_offering_ttl");
  return c;
}

}  // namespace fleetsim::policies
