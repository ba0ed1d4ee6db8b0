// kpa: the Knative Pod Autoscaler's stable and panic windows, scale-down rate
// and scale to zero, with the defaults of config-autoscaler (SEMANTICS §6.3).
#include <gtest/gtest.h>

#include "policies/autoscaling/autoscaler.hpp"

namespace fleetsim::policies {
namespace {

std::unique_ptr<Autoscaler> kpa(std::map<std::string, std::string> params = {}) {
  const auto* e = AutoscalerRegistry::instance().find("kpa");
  EXPECT_NE(e, nullptr);
  return e->make(Params(e->params, params));
}

AutoscalerView at(double t_s, int replicas, double concurrency) {
  AutoscalerView v;
  v.now = sim::from_seconds(t_s);
  v.current_replicas = v.ready_replicas = replicas;
  v.concurrency = concurrency;
  return v;
}

TEST(Kpa, GoldCaseG65) {
  // containerConcurrency 10 -> target 0.7 x 10 = 7 per pod; 50 concurrent
  // requests over the 60 s stable window -> ceil(50 / 7) = 8 pods.
  auto a = kpa({{"container_concurrency", "10"}});
  EXPECT_EQ(a->period(), 2 * sim::kSecond);
  int d = 0;
  for (int t = 0; t <= 60; t += 2) d = a->desired(at(t, 8, 50));
  EXPECT_EQ(d, 8);
}

TEST(Kpa, PanicScalesAtOnceAndNeverDownUntilAStableWindowPasses) {
  // Target 7 per pod; samples every 2 s; windows hold the samples of the last
  // 60 s (stable) and 6 s (panic).
  auto a = kpa({{"target", "7"}});
  for (int t = 0; t <= 6; t += 2) EXPECT_EQ(a->desired(at(t, 2, 14)), 2) << t;
  // Load jumps to 70 at 8 s: the panic window (14, 14, 70) averages 32.7, so
  // ceil(32.7 / 7) = 5 pods, 2.5x the 2 ready: panic, 5 at once.
  EXPECT_EQ(a->desired(at(8, 2, 70)), 5);
  EXPECT_EQ(a->desired(at(10, 5, 70)), 8);    // (14, 70, 70): 51.3 -> 8
  EXPECT_EQ(a->desired(at(12, 8, 70)), 10);   // (70, 70, 70) -> 10
  // Load falls back to 14: while panicking the count never goes down, and the
  // panic lasts a stable window (60 s) after it began at 8 s.
  for (int t = 14; t < 68; t += 2) EXPECT_EQ(a->desired(at(t, 10, 14)), 10) << t;
  // At 68 s the stable window (10-68 s: two samples of 70, 28 of 14) averages
  // 17.7 -> 3 pods, but one tick may only halve (max-scale-down-rate 2): 5.
  EXPECT_EQ(a->desired(at(68, 10, 14)), 5);
  EXPECT_EQ(a->desired(at(70, 5, 14)), 3);  // one 70 left: 15.9 -> 3
  EXPECT_EQ(a->desired(at(72, 3, 14)), 2);  // all 14 -> 2
}

TEST(Kpa, ScalesToZeroAfterTheStableWindowAndTheGracePeriod) {
  // The last request is in the sample at 0 s. The stable window (the last
  // 60 s, open at its start) holds only zeros from 60 s; the 30 s grace period
  // then ends at 90 s.
  auto a = kpa({{"target", "10"}});
  EXPECT_EQ(a->desired(at(0, 1, 5)), 1);
  for (int t = 2; t < 90; t += 2) EXPECT_EQ(a->desired(at(t, 1, 0)), 1) << t;
  EXPECT_EQ(a->desired(at(90, 1, 0)), 0);
  // At zero, a request held by the activator brings one pod back.
  EXPECT_EQ(a->desired(at(92, 0, 0)), 0);
  EXPECT_EQ(a->desired(at(94, 0, 1)), 1);
}

}  // namespace
}  // namespace fleetsim::policies
