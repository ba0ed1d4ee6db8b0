// The threshold rules, with timelines by hand.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {
namespace {

using sim::kSecond;

std::unique_ptr<Autoscaler> make(const std::string& name, const std::map<std::string, std::string>& values = {}) {
  const auto* e = AutoscalerRegistry::instance().find(name);
  if (!e) throw std::runtime_error("no autoscaler " + name);
  return e->make(Params(e->params, values));
}

AutoscalerView gpu_view(sim::SimTime now, int replicas, double utilization, double queued = 0) {
  AutoscalerView v;
  v.now = now;
  v.current_replicas = v.ready_replicas = replicas;
  MetricView m{"gpu_utilization", MetricTarget::utilization, 0, {}, 0};
  for (int i = 0; i < replicas; ++i) m.pods.push_back({true, utilization});
  v.metrics = {m};
  v.queued = queued;
  return v;
}

TEST(Threshold, StepsUpAfterTwoMinutesAbove) {
  // Defaults: > 70% for 2 min -> +1. Above from t=0: at t=105 only 105 s have
  // passed; at t=120 the rule fires (2 -> 3) and its timer restarts, so the
  // next step needs t=135 + 120 = 255.
  auto th = make("threshold");
  int r = 2;
  std::map<long, int> at;
  for (sim::SimTime t = 0; t <= 255 * kSecond; t += 15 * kSecond) {
    r = th->desired(gpu_view(t, r, 85));
    at[t / kSecond] = r;
  }
  EXPECT_EQ(at[105], 2);
  EXPECT_EQ(at[120], 3);
  EXPECT_EQ(at[240], 3);
  EXPECT_EQ(at[255], 4);
}

TEST(Threshold, QueueStepsUpAtOnceAndDipsResetTheTimer) {
  auto th = make("threshold");
  EXPECT_EQ(th->desired(gpu_view(0, 2, 10, 150)), 3);  // 150 queued > 100
  // Above 70% from t=15, one dip to 50% at t=75: the two minutes restart at t=90.
  int r = 3;
  for (sim::SimTime t = 15; t <= 195; t += 15) r = th->desired(gpu_view(t * kSecond, r, t == 75 ? 50 : 90));
  EXPECT_EQ(r, 3);
  EXPECT_EQ(th->desired(gpu_view(210 * kSecond, r, 90)), 4);
}

TEST(Threshold, StepsDownAfterTenMinutesBelowToTheMinimum) {
  auto th = make("threshold");
  int r = 2;
  std::map<long, int> at;
  for (sim::SimTime t = 0; t <= 1300 * kSecond; t += 15 * kSecond) {
    r = th->desired(gpu_view(t, r, 5));
    at[t / kSecond] = r;
  }
  EXPECT_EQ(at[585], 2);
  EXPECT_EQ(at[600], 1);   // 10 minutes below 20%
  EXPECT_EQ(at[1290], 1);  // never below min_replicas 1
}

}  // namespace
}  // namespace fleetsim::policies
