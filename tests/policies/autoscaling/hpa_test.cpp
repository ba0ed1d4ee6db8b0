// The HPA gold cases of SEMANTICS.md §6.4 and the replica calculator's
// documented handling of missing and unready pods, each worked out by hand.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "policies/autoscaling/hpa.hpp"
#include "policies/autoscaling/hpa_replicas.hpp"

namespace fleetsim::policies {
namespace {

using sim::kSecond;

std::unique_ptr<Autoscaler> make(const std::string& name, const std::map<std::string, std::string>& values = {}) {
  const auto* e = AutoscalerRegistry::instance().find(name);
  if (!e) throw std::runtime_error("no autoscaler " + name);
  return e->make(Params(e->params, values));
}

// `n` ready pods each at `value`.
MetricView pods_at(MetricTarget type, double target, int n, double value, const std::string& name = "m") {
  MetricView m{name, type, target, {}, 0};
  for (int i = 0; i < n; ++i) m.pods.push_back({true, value});
  return m;
}

MetricView external(double total, double target) { return {"rps", MetricTarget::external_total, target, {}, total}; }

AutoscalerView view(sim::SimTime now, int current, std::vector<MetricView> metrics) {
  AutoscalerView v;
  v.now = now;
  v.current_replicas = v.ready_replicas = current;
  v.metrics = std::move(metrics);
  return v;
}

TEST(HpaGold, G6_1_FormulaAndTolerance) {
  // 4 pods at 60% of request, target 50%: ratio 1.2 > 1.1, ceil(4 x 1.2) = 5.
  auto hpa = make("hpa", {{"max_replicas", "20"}});
  EXPECT_EQ(hpa->desired(view(0, 4, {pods_at(MetricTarget::utilization, 50, 4, 60)})), 5);
  // At 54%: ratio 1.08, within the 0.1 tolerance: stays 4.
  auto fresh = make("hpa", {{"max_replicas", "20"}});
  EXPECT_EQ(fresh->desired(view(0, 4, {pods_at(MetricTarget::utilization, 50, 4, 54)})), 4);
  EXPECT_EQ(hpa_metric_replicas(pods_at(MetricTarget::utilization, 50, 4, 54), 4, 0.1), 4);
  // With tolerance 0.05 the same 54% scales: ceil(4 x 1.08) = ceil(4.32) = 5.
  EXPECT_EQ(hpa_metric_replicas(pods_at(MetricTarget::utilization, 50, 4, 54), 4, 0.05), 5);
}

TEST(HpaGold, G6_2_ScaleDownWaitsForTheStabilizationWindow) {
  // 10 pods at the 50% target (recommendation 10) at t = 0, 15, ..., 285; from
  // t = 300 they run at 20% (recommendation ceil(10 x 0.4) = 4). The scale-down
  // window keeps the max of the recommendations made strictly within the last
  // 300 s, so the 10 of t = 285 holds until t = 585, when it is exactly 300 s
  // old; then the Percent 100 policy allows 10 -> 4 in one step.
  auto hpa = make("hpa", {{"max_replicas", "20"}});
  int replicas = 10;
  for (sim::SimTime t = 0; t <= 285 * kSecond; t += 15 * kSecond)
    replicas = hpa->desired(view(t, replicas, {pods_at(MetricTarget::utilization, 50, replicas, 50)}));
  ASSERT_EQ(replicas, 10);
  for (sim::SimTime t = 300 * kSecond; t <= 570 * kSecond; t += 15 * kSecond) {
    replicas = hpa->desired(view(t, replicas, {pods_at(MetricTarget::utilization, 50, replicas, 20)}));
    ASSERT_EQ(replicas, 10) << "at t=" << t / kSecond << " s";
  }
  replicas = hpa->desired(view(585 * kSecond, replicas, {pods_at(MetricTarget::utilization, 50, replicas, 20)}));
  EXPECT_EQ(replicas, 4);
}

TEST(HpaGold, G6_3_DefaultScaleUpIsMaxOfDoubleAndFourPods) {
  // Demand for 20 from 3: t=0 max(3 x 2, 3 + 4) = 7; t=15 (the first step is
  // no longer within the 15 s period) max(14, 11) = 14; t=30 max(28, 18) -> 20.
  auto hpa = make("hpa", {{"max_replicas", "50"}});
  int replicas = 3;
  std::vector<int> seen;
  for (sim::SimTime t = 0; t <= 30 * kSecond; t += 15 * kSecond) {
    replicas = hpa->desired(view(t, replicas, {external(20, 1)}));
    seen.push_back(replicas);
  }
  EXPECT_EQ(seen, (std::vector<int>{7, 14, 20}));
}

TEST(HpaGold, G6_4_MaxOverMetrics) {
  // GPU utilization: 3 pods at 100% for a 50% target -> 6; queue depth: 3 pods
  // with 30 waiting each for a target of 10 -> 9. The HPA takes 9.
  auto hpa = make("hpa", {{"max_replicas", "20"}, {"scale_up_policies", "Pods=100/15s"}});
  EXPECT_EQ(hpa->desired(view(0, 3,
                              {pods_at(MetricTarget::utilization, 50, 3, 100, "gpu"),
                               pods_at(MetricTarget::average_value, 10, 3, 30, "queue")})),
            9);
}

TEST(HpaReplicas, UnreadyPodsCountAsZeroOnScaleUp) {
  // 4 pods: 1 ready at 60% (target 50), 3 not yet ready. Alone the ready pod
  // says ratio 1.2 and ceil(1.2 x 1) = 2, a scale-down from 4. Counting the
  // unready pods at 0% gives 60/4/50 = 0.3 < 1: the direction flips, so keep 4.
  MetricView m = pods_at(MetricTarget::utilization, 50, 1, 60);
  for (int i = 0; i < 3; ++i) m.pods.push_back({false, 0.0});
  EXPECT_EQ(hpa_metric_replicas(m, 4, 0.1), 4);
  // Ready pods at 150% with 1 of 4 unready: ratio 3; with the unready pod at 0
  // it is 450/4/50 = 2.25 and ceil(2.25 x 4) = 9.
  MetricView busy = pods_at(MetricTarget::utilization, 50, 3, 150);
  busy.pods.push_back({false, std::nullopt});
  EXPECT_EQ(hpa_metric_replicas(busy, 4, 0.1), 9);
}

TEST(HpaReplicas, MissingPodsAreConservative) {
  // Scale-down: 3 ready at 10%, 1 without metrics, target 50. Ratio 0.2; the
  // missing pod counts at max(100%, target) = 100%: (30 + 100)/4/50 = 0.65,
  // ceil(0.65 x 4) = 3 (not ceil(0.2 x 3) = 1).
  MetricView down = pods_at(MetricTarget::utilization, 50, 3, 10);
  down.pods.push_back({true, std::nullopt});
  EXPECT_EQ(hpa_metric_replicas(down, 4, 0.1), 3);
  // 2 at 10% and 2 missing: (20 + 200)/4/50 = 1.1 -> within tolerance (and flipped): keep 4.
  MetricView flat = pods_at(MetricTarget::utilization, 50, 2, 10);
  flat.pods.push_back({true, std::nullopt});
  flat.pods.push_back({true, std::nullopt});
  EXPECT_EQ(hpa_metric_replicas(flat, 4, 0.1), 4);
  // Scale-up: 2 at 150%, 2 missing counted at 0: 300/4/50 = 1.5, ceil(6) = 6.
  MetricView up = pods_at(MetricTarget::utilization, 50, 2, 150);
  up.pods.push_back({true, std::nullopt});
  up.pods.push_back({true, std::nullopt});
  EXPECT_EQ(hpa_metric_replicas(up, 4, 0.1), 6);
  // A Pods metric falls back to its target: 3 at 1 req/s, 1 missing, target 10:
  // (3 + 10)/4/10 = 0.325, ceil(1.3) = 2.
  MetricView rps = pods_at(MetricTarget::average_value, 10, 3, 1);
  rps.pods.push_back({true, std::nullopt});
  EXPECT_EQ(hpa_metric_replicas(rps, 4, 0.1), 2);
  // No ready pod with a value: the metric is invalid.
  MetricView none{"m", MetricTarget::utilization, 50, {{false, 10.0}, {true, std::nullopt}}, 0};
  EXPECT_FALSE(hpa_metric_replicas(none, 2, 0.1).has_value());
}

TEST(Hpa, AnInvalidMetricBlocksScaleDownButNotScaleUp) {
  MetricView invalid{"broken", MetricTarget::average_value, 10, {{true, std::nullopt}}, 0};
  auto hpa = make("hpa", {{"max_replicas", "20"}, {"scale_down_window", "0s"}});
  EXPECT_EQ(hpa->desired(view(0, 4, {external(20, 10), invalid})), 4);   // 2 would be a scale-down
  EXPECT_EQ(hpa->desired(view(15 * kSecond, 4, {external(60, 10), invalid})), 6);
}

TEST(Hpa, MinMaxAndDisabled) {
  auto hpa = make("hpa", {{"min_replicas", "2"}, {"max_replicas", "10"}, {"scale_down_window", "0s"}});
  // From 8, the default scale-up allows 16 but max_replicas caps at 10.
  EXPECT_EQ(hpa->desired(view(0, 8, {external(100, 1)})), 10);
  // No load: down to min_replicas, not 0.
  EXPECT_EQ(hpa->desired(view(15 * kSecond, 5, {external(0, 1)})), 2);
  // Outside [min, max]: straight to the bound, as the controller does.
  EXPECT_EQ(hpa->desired(view(30 * kSecond, 1, {external(0, 1)})), 2);
  EXPECT_EQ(hpa->desired(view(45 * kSecond, 30, {external(100, 1)})), 10);
  // spec.replicas 0 with min_replicas > 0: autoscaling is disabled.
  EXPECT_EQ(hpa->desired(view(60 * kSecond, 0, {external(100, 1)})), 0);
}

TEST(HpaBehaviour, PodsPolicyLimitsChangePerPeriod) {
  // Scale-down Pods=1/60s from 10 toward 4 (no window): t=0 -> 9; t=15 and
  // t=45: the step of t=0 is within the last 60 s, the period started at 10,
  // so the limit is 10 - 1 = 9; t=60: that step is exactly 60 s old and no
  // longer counts: 9 -> 8.
  auto hpa = make("hpa", {{"max_replicas", "20"}, {"scale_down_window", "0s"}, {"scale_down_policies", "Pods=1/60s"}});
  int r = 10;
  std::vector<int> seen;
  for (sim::SimTime t : {0, 15, 45, 60}) {
    r = hpa->desired(view(t * kSecond, r, {external(4, 1)}));
    seen.push_back(r);
  }
  EXPECT_EQ(seen, (std::vector<int>{9, 9, 9, 8}));
}

TEST(HpaBehaviour, PercentScaleDownTruncatesAndSelectPolicies) {
  // Percent=50: int(9 x 0.5) = 4 (Go's int32 conversion truncates).
  auto half = make("hpa", {{"max_replicas", "20"}, {"scale_down_window", "0s"}, {"scale_down_policies", "Percent=50/15s"}});
  EXPECT_EQ(half->desired(view(0, 9, {external(1, 1)})), 4);
  // selectPolicy Min on the default scale-up policies: min(3 x 2, 3 + 4) = 6.
  auto min_up = make("hpa", {{"max_replicas", "50"}, {"scale_up_select", "Min"}});
  EXPECT_EQ(min_up->desired(view(0, 3, {external(20, 1)})), 6);
  // Scale-down Min with Pods=1 and Percent=50 from 10: max(9, 5) = 9.
  auto min_down = make("hpa", {{"max_replicas", "20"}, {"scale_down_window", "0s"},
                               {"scale_down_policies", "Pods=1/15s,Percent=50/15s"}, {"scale_down_select", "Min"}});
  EXPECT_EQ(min_down->desired(view(0, 10, {external(1, 1)})), 9);
  // Disabled blocks that direction only.
  auto no_down = make("hpa", {{"max_replicas", "20"}, {"scale_down_window", "0s"}, {"scale_down_select", "Disabled"}});
  EXPECT_EQ(no_down->desired(view(0, 10, {external(1, 1)})), 10);
  EXPECT_EQ(no_down->desired(view(15 * kSecond, 10, {external(12, 1)})), 12);
}

TEST(HpaBehaviour, ScaleUpWindowTakesTheMinimum) {
  // scale_up_window 30s: a spike recommendation of 12 at t=15 after 5 at t=0
  // is held to min(5, 12) = 5 while the 5 is within the window; at t=30 the
  // 5 is exactly 30 s old and drops out, so 12 is recommended, and the default
  // scale-up policies allow max(5 x 2, 5 + 4) = 10 of it.
  auto hpa = make("hpa", {{"max_replicas", "20"}, {"scale_up_window", "30s"}});
  EXPECT_EQ(hpa->desired(view(0, 5, {external(5, 1)})), 5);
  EXPECT_EQ(hpa->desired(view(15 * kSecond, 5, {external(12, 1)})), 5);
  EXPECT_EQ(hpa->desired(view(30 * kSecond, 5, {external(12, 1)})), 10);
}

TEST(Hpa, ParametersAreCheckedAtConstruction) {
  EXPECT_THROW(make("hpa", {{"scale_up_policies", "Pods=4"}}), std::invalid_argument);
  EXPECT_THROW(make("hpa", {{"scale_up_policies", "Nodes=4/15s"}}), std::invalid_argument);
  EXPECT_THROW(make("hpa", {{"scale_down_select", "Maximum"}}), std::invalid_argument);
  EXPECT_THROW(make("hpa", {{"min_replicas", "5"}, {"max_replicas", "3"}}), std::invalid_argument);
  const auto policies = parse_hpa_policies("Percent=100/15s,Pods=4/1m");
  ASSERT_EQ(policies.size(), 2u);
  EXPECT_EQ(policies[1].type, HpaScalingPolicy::Type::pods);
  EXPECT_EQ(policies[1].period, 60 * kSecond);
  EXPECT_EQ(make("hpa")->period(), 15 * kSecond);
}

}  // namespace
}  // namespace fleetsim::policies
