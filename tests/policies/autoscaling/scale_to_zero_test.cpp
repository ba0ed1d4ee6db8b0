// KEDA-style scale-to-zero (SEMANTICS.md §6.2, G6.6), with timelines by hand.
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

AutoscalerView rate_view(sim::SimTime now, int replicas, double rate) {
  AutoscalerView v;
  v.now = now;
  v.current_replicas = v.ready_replicas = replicas;
  v.arrival_rate = rate;
  return v;
}

TEST(ScaleToZero, G6_6_CooldownThenZero) {
  // KEDA minReplicaCount 0, cooldownPeriod 300 s, polling every 30 s. Traffic
  // last seen at the poll of t=0; polls at 30, ..., 300 see none. KEDA scales
  // to zero once lastActive + cooldown < now: not at t=300 (equal), at t=330.
  auto z = make("scale-to-zero", {{"target", "10"}});
  int r = 1;
  std::map<long, int> at;
  for (sim::SimTime t = 0; t <= 345 * kSecond; t += 15 * kSecond) {
    r = z->desired(rate_view(t, r, t == 0 ? 5.0 : 0.0));
    at[t / kSecond] = r;
  }
  EXPECT_EQ(at[0], 1);
  EXPECT_EQ(at[300], 1);
  EXPECT_EQ(at[315], 1);  // not a poll
  EXPECT_EQ(at[330], 0);
}

TEST(ScaleToZero, ActivationAtThePollThenHpaAboveOne) {
  auto z = make("scale-to-zero", {{"target", "10"}});
  EXPECT_EQ(z->desired(rate_view(0, 0, 0.0)), 0);             // poll at 0: idle
  EXPECT_EQ(z->desired(rate_view(15 * kSecond, 0, 2.0)), 0);  // requests, but the next poll is at 30
  EXPECT_EQ(z->desired(rate_view(30 * kSecond, 0, 2.0)), 1);  // activated: 0 -> 1
  // 55 req/s at 10 per replica: the HPA wants ceil(5.5) = 6; from 1 the default
  // scale-up allows max(2, 1 + 4) = 5 this period, then 6.
  EXPECT_EQ(z->desired(rate_view(45 * kSecond, 1, 55.0)), 5);
  EXPECT_EQ(z->desired(rate_view(60 * kSecond, 5, 55.0)), 6);
}

TEST(ScaleToZero, NeverActiveGoesToZeroAfterTheInitialCooldown) {
  // KEDA: no LastActiveTime -> zero once creation + initialCooldownPeriod has
  // passed (default 0: at the first poll).
  EXPECT_EQ(make("scale-to-zero")->desired(rate_view(0, 2, 0.0)), 0);
  // With 60 s, the managed HPA keeps its minimum of 1 until then.
  auto z = make("scale-to-zero", {{"initial_cooldown_period", "60s"}});
  EXPECT_EQ(z->desired(rate_view(0, 1, 0.0)), 1);
  EXPECT_EQ(z->desired(rate_view(30 * kSecond, 1, 0.0)), 1);
  EXPECT_EQ(z->desired(rate_view(60 * kSecond, 1, 0.0)), 0);
}

TEST(ScaleToZero, MinReplicaCountKeepsAFloor) {
  auto z = make("scale-to-zero", {{"min_replicas", "1"}, {"target", "10"}});
  int r = 1;
  for (sim::SimTime t = 0; t <= 900 * kSecond; t += 15 * kSecond) r = z->desired(rate_view(t, r, 0.0));
  EXPECT_EQ(r, 1);
}

TEST(Autoscalers, AreRegistered) {
  for (const char* name : {"hpa", "threshold", "scale-to-zero"}) {
    const auto* e = AutoscalerRegistry::instance().find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_FALSE(e->description.empty());
    EXPECT_GT(make(name)->period(), 0);
  }
}

}  // namespace
}  // namespace fleetsim::policies
