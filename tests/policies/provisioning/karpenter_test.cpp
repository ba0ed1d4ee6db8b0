// karpenter driven directly: a hand-built cluster of offering pools (one per
// NodePool x type x capacity type), hand-built pending lists, reconcile() at
// chosen times. Launches and removals are applied as the world would: launched
// nodes are appended in order (state launching), removed nodes lose their pods
// and terminate. Gold cases are SEMANTICS.md 3.5 (G3.1 ... G3.6).
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "policies/provisioning/karpenter.hpp"
#include "util/input_error.hpp"

namespace fleetsim::policies {
namespace {

using models::Cluster;
using models::InstanceType;
using models::Job;
using models::NodeId;
using models::NodeState;
using models::PodSpec;
using models::PoolId;
using sim::kMinute;
using sim::kSecond;
using sim::SimTime;

constexpr std::int64_t kGi = 1024;

PodSpec pod(std::int32_t gpus, std::int64_t cpu_milli, std::int64_t mem_mib) {
  PodSpec p;
  p.gpus = gpus;
  p.cpu_milli = cpu_milli;
  p.memory_mib = mem_mib;
  return p;
}

class KarpenterTest : public ::testing::Test {
 protected:
  void make(std::map<std::string, std::string> values = {}) {
    const auto* e = ProvisionerRegistry::instance().find("karpenter");
    ASSERT_NE(e, nullptr);
    owner = e->make(Params(e->params, values));
    k = dynamic_cast<Karpenter*>(owner.get());
    ASSERT_NE(k, nullptr);
  }
  void SetUp() override { make(); }

  const InstanceType* type(const std::string& name, int gpus, int vcpu, double mem_gib,
                           const std::string& model = "A10G") {
    InstanceType t;
    t.name = name;
    t.gpus = gpus;
    t.gpu_model = gpus > 0 ? model : "";
    t.gpu_memory_gib = gpus > 0 ? 24 : 0;
    t.vcpu = vcpu;
    t.memory_gib = mem_gib;
    t.reserve_system = false;
    types.push_back(t);
    return &types.back();
  }
  struct Offer {
    std::string nodepool = "default";
    bool spot = false;
    int weight = 0;
    std::int64_t gpu_limit = 0;
    double interruption = 0;
    SimTime launch_delay = 0;
  };
  PoolId offering(const InstanceType* t, double price) { return offering(t, price, Offer{}); }
  PoolId offering(const InstanceType* t, double price, Offer o) {
    models::NodePool p;
    p.name = o.nodepool + "/" + t->name + (o.spot ? "/spot" : "/on-demand");
    p.type = t;
    p.usd_per_hour = price;
    p.max = 1000;
    p.nodepool = o.nodepool;
    p.spot = o.spot;
    p.weight = o.weight;
    p.nodepool_gpu_limit = o.gpu_limit;
    p.interruption_probability = o.interruption;
    p.launch_delay = o.launch_delay;
    return cluster.add_pool(p);
  }

  Job& job(std::vector<PodSpec> pods, std::map<std::string, std::string> labels = {}) {
    Job j;
    j.id = static_cast<models::JobId>(jobs.size());
    j.name = "j" + std::to_string(j.id);
    j.pods = std::move(pods);
    j.labels = std::move(labels);
    jobs.push_back(std::move(j));
    running.push_back(nullptr);
    return jobs.back();
  }
  void make_pending(const Job& j, SimTime since = 0) { pending.push_back({&j, since}); }
  void run_on(const Job& j, NodeId node, SimTime now = 0) {
    for (std::uint32_t i = 0; i < j.pods.size(); ++i) cluster.bind(node, {j.id, i}, j.pods[i], j.priority, now);
    running[j.id] = &j;
  }
  void stop(const Job& j, NodeId node, SimTime now) {
    for (std::uint32_t i = 0; i < j.pods.size(); ++i) cluster.unbind(node, {j.id, i}, now);
    running[j.id] = nullptr;
  }
  void make_ready(NodeId id, SimTime now) {
    if (cluster.node(id).state == NodeState::launching) cluster.set_state(id, NodeState::booting, now);
    cluster.set_state(id, NodeState::ready, now);
  }

  // reconcile() at `now`, then the world's part: launches appended, removals applied.
  ProvisioningActions tick(SimTime now) {
    // The cloud: a requested node runs after its pool's launch delay, except in
    // pools without capacity (`stuck`).
    for (const auto& n : cluster.nodes())
      if (n.state == NodeState::launching && !stuck.count(n.pool) &&
          n.requested_at + cluster.pools()[n.pool].launch_delay <= now)
        cluster.set_state(n.id, NodeState::booting, now);
    ProvisioningView v{cluster, pending, now, running};
    ProvisioningActions a;
    k->reconcile(v, rng, a);
    launched.clear();
    for (const auto& [p, n] : a.launch)
      for (int i = 0; i < n; ++i) launched.push_back(cluster.add_node(p, now, 110, NodeState::launching));
    for (NodeId id : a.remove) {
      while (!cluster.node(id).pods.empty()) cluster.unbind(id, cluster.node(id).pods.back().ref, now);
      cluster.set_state(id, NodeState::terminated, now);
    }
    return a;
  }
  // Ticks every second in [from, to); returns the first tick with an action (or `to`).
  SimTime tick_until_action(SimTime from, SimTime to, ProvisioningActions* out = nullptr) {
    for (SimTime t = from; t < to; t += kSecond) {
      auto a = tick(t);
      if (!a.launch.empty() || !a.remove.empty()) {
        if (out) *out = a;
        return t;
      }
    }
    return to;
  }

  std::deque<InstanceType> types;
  std::deque<Job> jobs;
  Cluster cluster;
  std::vector<PendingJob> pending;
  std::vector<const Job*> running;
  std::vector<NodeId> launched;
  std::set<PoolId> stuck;
  std::unique_ptr<Provisioner> owner;
  Karpenter* k = nullptr;
  sim::Rng rng{7};
};

// --- parameters and budgets ---------------------------------------------------

TEST_F(KarpenterTest, DefaultsAndParsing) {
  const auto& c = k->config();
  EXPECT_EQ(k->period(), kSecond);
  EXPECT_EQ(c.batch_idle_duration, kSecond);
  EXPECT_EQ(c.batch_max_duration, 10 * kSecond);
  EXPECT_EQ(c.policy, ConsolidationPolicy::when_empty_or_underutilized);
  EXPECT_EQ(c.consolidate_after, 0);
  EXPECT_EQ(c.expire_after, 720 * sim::kHour);
  EXPECT_EQ(c.disruption_poll, 10 * kSecond);
  EXPECT_FALSE(c.spot_to_spot_consolidation);
  EXPECT_EQ(c.unavailable_offering_ttl, 3 * kMinute);
  ASSERT_EQ(c.budgets.size(), 1u);
  EXPECT_TRUE(c.budgets[0].percent);
  EXPECT_DOUBLE_EQ(c.budgets[0].value, 10);

  make({{"consolidate_after", "Never"}, {"expire_after", "Never"}, {"consolidation_policy", "WhenEmpty"}});
  EXPECT_EQ(k->config().consolidate_after, sim::kNever);
  EXPECT_EQ(k->config().expire_after, sim::kNever);
  EXPECT_EQ(k->config().policy, ConsolidationPolicy::when_empty);
  const auto* e = ProvisionerRegistry::instance().find("karpenter");
  EXPECT_THROW(e->make(Params(e->params, {{"consolidation_policy", "WhenIdle"}})), InputError);
  EXPECT_THROW(e->make(Params(e->params, {{"consolidate_after", "soon"}})), InputError);
  EXPECT_THROW(e->make(Params(e->params, {{"budget_nodes", "10%%"}})), InputError);
  EXPECT_THROW(parse_budgets("x"), InputError);
}

// G3.1
TEST(KarpenterBudgets, G3_1_BudgetArithmetic) {
  EXPECT_EQ(allowed_disruptions(19, parse_budgets("20%"), 0, 0), 4);
  EXPECT_EQ(allowed_disruptions(30, parse_budgets("20%, 5"), 0, 0), 5);
  EXPECT_EQ(allowed_disruptions(30, parse_budgets("20%,5"), 2, 0), 3);
  EXPECT_EQ(allowed_disruptions(30, parse_budgets("0"), 0, 0), 0);
}

// G3.2
TEST(KarpenterBudgets, G3_2_DefaultTenPercent) {
  EXPECT_EQ(allowed_disruptions(3, parse_budgets("10%"), 0, 0), 1);
  EXPECT_EQ(allowed_disruptions(1, parse_budgets("10%"), 0, 1), 0);
  EXPECT_EQ(allowed_disruptions(20, parse_budgets("10%"), 0, 0), 2);
}

// --- provisioning ----------------------------------------------------------------

TEST_F(KarpenterTest, CheapestFittingTypeForOneGpuPod) {
  const PoolId p4d = offering(type("p4d.24xlarge", 8, 96, 1152, "A100"), 32.77);
  const PoolId g5_12 = offering(type("g5.12xlarge", 4, 48, 192), 5.672);
  const PoolId g5 = offering(type("g5.xlarge", 1, 4, 16), 1.006);
  (void)p4d;
  (void)g5_12;
  make_pending(job({pod(1, 2000, 8 * kGi)}));
  EXPECT_TRUE(tick(0).launch.empty());  // batch opens
  EXPECT_TRUE(k->batch_open());
  auto a = tick(kSecond);               // idle 1 s: batch closes
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, g5);
  // The pod now fits the in-flight node: nothing more.
  EXPECT_EQ(tick_until_action(2 * kSecond, 20 * kSecond), 20 * kSecond);
}

TEST_F(KarpenterTest, SpotPreferredWhenBothAllowed) {
  offering(type("g5.xlarge", 1, 4, 16), 1.0);
  const PoolId spot = offering(type("g5.2xlarge", 1, 8, 32), 1.2, {.spot = true});
  make_pending(job({pod(1, 2000, 8 * kGi)}));
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, spot);
}

TEST_F(KarpenterTest, PriceCapacityOptimizedPrefersLowInterruption) {
  const auto* t = type("g5.xlarge", 1, 4, 16);
  offering(t, 0.30, {.nodepool = "default", .spot = true, .interruption = 0.18});
  const PoolId safe = offering(type("g5.2xlarge", 1, 8, 32), 0.50, {.spot = true, .interruption = 0.03});
  EXPECT_EQ(interruption_bucket(0.18), 3);
  EXPECT_EQ(interruption_bucket(0.03), 0);
  make_pending(job({pod(1, 2000, 8 * kGi)}));
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, safe);
}

TEST_F(KarpenterTest, HighestWeightNodePoolWinsThenNameOrder) {
  const auto* t = type("g5.xlarge", 1, 4, 16);
  offering(t, 1.0, {.nodepool = "cheap", .weight = 10});
  const PoolId heavy = offering(t, 2.0, {.nodepool = "reserved", .weight = 50});
  make_pending(job({pod(1, 2000, 8 * kGi)}));
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, heavy);

  // Equal weights: name order.
  Cluster fresh;
  cluster = fresh;
  const PoolId b = offering(t, 1.0, {.nodepool = "b"});
  const PoolId a_pool = offering(t, 3.0, {.nodepool = "a"});
  (void)b;
  make();
  tick(10 * kSecond);
  auto a2 = tick(11 * kSecond);
  ASSERT_EQ(a2.launch.size(), 1u);
  EXPECT_EQ(a2.launch[0].first, a_pool);
}

TEST_F(KarpenterTest, GpuLimitRespected) {
  const auto* t = type("p4d", 8, 96, 1152, "A100");
  const PoolId p = offering(t, 32.0, {.gpu_limit = 16});
  run_on(job({pod(8, 1000, kGi)}), cluster.add_node(p, 0));  // 8 GPUs already, all busy
  for (int i = 0; i < 3; ++i) make_pending(job({pod(8, 1000, kGi)}));
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);  // 8 + 8 = 16: one more, not three
  // Retried at the next disruption poll: still nothing.
  EXPECT_EQ(tick_until_action(2 * kSecond, 30 * kSecond), 30 * kSecond);
}

TEST_F(KarpenterTest, PodsHalfASecondApartShareABatch) {
  offering(type("g1", 1, 8, 32), 1.0);
  const PoolId g2 = offering(type("g2", 2, 16, 64), 1.5);
  make_pending(job({pod(1, 1000, kGi)}), 0);
  EXPECT_TRUE(tick(0).launch.empty());
  make_pending(job({pod(1, 1000, kGi)}), kSecond / 2);
  EXPECT_TRUE(tick(kSecond).launch.empty());  // a new pod: the window stays open
  auto a = tick(2 * kSecond);
  ASSERT_EQ(a.launch.size(), 1u);  // one NodeClaim holding both
  EXPECT_EQ(a.launch[0].first, g2);
}

TEST_F(KarpenterTest, TwoSecondGapMakesTwoBatches) {
  const PoolId g1 = offering(type("g1", 1, 8, 32), 1.0);
  offering(type("g2", 2, 16, 64), 1.5);
  make_pending(job({pod(1, 1000, kGi)}), 0);
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, g1);
  make_pending(job({pod(1, 1000, kGi)}), 2 * kSecond);
  EXPECT_TRUE(tick(2 * kSecond).launch.empty());
  auto b = tick(3 * kSecond);
  ASSERT_EQ(b.launch.size(), 1u);
  EXPECT_EQ(b.launch[0].first, g1);
}

TEST_F(KarpenterTest, BatchClosesAtMaxDuration) {
  offering(type("g1", 1, 8, 32), 1.0);
  for (int s = 0; s < 10; ++s) {
    make_pending(job({pod(1, 1000, kGi)}), s * kSecond);
    EXPECT_TRUE(tick(s * kSecond).launch.empty()) << s;
  }
  make_pending(job({pod(1, 1000, kGi)}), 10 * kSecond);
  EXPECT_EQ(tick(10 * kSecond).launch.size(), 11u);
}

TEST_F(KarpenterTest, InsufficientCapacityFallsBackToOnDemand) {
  const auto* t = type("g5.xlarge", 1, 4, 16);
  const PoolId spot = offering(t, 0.4, {.spot = true, .launch_delay = 30 * kSecond});
  const PoolId od = offering(t, 1.0, {.launch_delay = 30 * kSecond});
  stuck.insert(spot);
  make_pending(job({pod(1, 1000, kGi)}));
  tick(0);
  auto a = tick(kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, spot);
  const NodeId iced = launched.at(0);
  EXPECT_EQ(tick_until_action(2 * kSecond, 31 * kSecond), 31 * kSecond);  // still within the launch delay
  auto b = tick(32 * kSecond);  // requested at 1 s + 30 s + 1 s: ICE
  ASSERT_EQ(b.remove.size(), 1u);
  EXPECT_EQ(b.remove[0], iced);
  ASSERT_EQ(b.launch.size(), 1u);
  EXPECT_EQ(b.launch[0].first, od);
  EXPECT_TRUE(k->offering_unavailable(spot, 32 * kSecond));
  EXPECT_FALSE(k->offering_unavailable(spot, 32 * kSecond + 3 * kMinute));
}

TEST_F(KarpenterTest, SpotNoticeLaunchesReplacementAtOnce) {
  const auto* t = type("g5.xlarge", 1, 4, 16);
  const PoolId spot = offering(t, 0.4, {.spot = true});
  const PoolId spot2 = offering(type("g5.2xlarge", 1, 8, 32), 0.6, {.spot = true});
  offering(t, 1.0);
  const NodeId n = cluster.add_node(spot, 0);
  run_on(job({pod(1, 1000, kGi)}), n);
  tick(0);
  cluster.set_state(n, NodeState::draining, 55 * kSecond);  // the provider's notice
  auto a = tick(55 * kSecond);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, spot2);  // the interrupted offering is avoided
  EXPECT_TRUE(a.remove.empty());
  EXPECT_TRUE(k->offering_unavailable(spot, 55 * kSecond));
  // Handled once.
  make_ready(launched.at(0), 56 * kSecond);
  EXPECT_TRUE(tick(57 * kSecond).launch.empty());
}

// --- disruption ------------------------------------------------------------------

// G3.3
TEST_F(KarpenterTest, G3_3_ReplaceWithCheaper) {
  const PoolId big = offering(type("m5.2xlarge", 0, 8, 32), 0.384);
  const PoolId small = offering(type("m5.xlarge", 0, 4, 16), 0.192);
  const NodeId n = cluster.add_node(big, 0);
  run_on(job({pod(0, 3000, 10 * kGi)}), n);
  auto a = tick(0);
  ASSERT_EQ(a.launch.size(), 1u);
  EXPECT_EQ(a.launch[0].first, small);
  EXPECT_TRUE(a.remove.empty());  // pre-spin: the old node stays until the new one is Ready
  const NodeId r = launched.at(0);
  cluster.set_state(r, NodeState::booting, kSecond / 2);
  auto b = tick(kSecond);
  EXPECT_TRUE(b.remove.empty());
  ASSERT_TRUE(k->replacing().count(n));
  EXPECT_EQ(k->replacing().at(n), r);
  make_ready(r, 2 * kSecond);
  auto c = tick(2 * kSecond);
  ASSERT_EQ(c.remove.size(), 1u);
  EXPECT_EQ(c.remove[0], n);
}

TEST_F(KarpenterTest, G3_3_NoReplaceAtEqualPrice) {
  const PoolId big = offering(type("m5.2xlarge", 0, 8, 32), 0.384);
  offering(type("m6i.2xlarge", 0, 8, 32), 0.384);
  const NodeId n = cluster.add_node(big, 0);
  run_on(job({pod(0, 3000, 10 * kGi)}), n);
  EXPECT_EQ(tick_until_action(0, 60 * kSecond), 60 * kSecond);
}

TEST_F(KarpenterTest, DeleteWhenPodsFitElsewhere) {
  const PoolId p = offering(type("g4", 4, 32, 128), 4.0);
  const NodeId x = cluster.add_node(p, 0);
  const NodeId y = cluster.add_node(p, 0);
  run_on(job({pod(1, 1000, kGi)}), x);
  run_on(job({pod(1, 1000, kGi)}), y);
  run_on(job({pod(1, 1000, kGi)}), y);
  auto a = tick(0);
  ASSERT_EQ(a.remove.size(), 1u);
  EXPECT_EQ(a.remove[0], x);  // fewer pods first
  EXPECT_TRUE(a.launch.empty());
}

// G3.4
TEST_F(KarpenterTest, G3_4_SpotToSpotNeedsFifteenCheaperTypes) {
  auto setup = [&](int cheaper, bool gate) {
    cluster = Cluster();
    make({{"spot_to_spot_consolidation", gate ? "true" : "false"}});
    const PoolId cur = offering(type("big", 1, 64, 256), 2.0, {.spot = true});
    for (int i = 0; i < cheaper; ++i) {
      std::string name = std::to_string(i);
      name.insert(0, "cheap-");  // not "t" + to_string(i): GCC 12 -Wrestrict false positive
      offering(type(name, 1, 8, 32), 0.5 + 0.01 * i, {.spot = true});
    }
    const NodeId n = cluster.add_node(cur, 0);
    jobs.clear();
    running.clear();
    run_on(job({pod(1, 2000, 4 * kGi)}), n);
    return tick(0);
  };
  EXPECT_TRUE(setup(9, true).launch.empty());
  EXPECT_TRUE(setup(15, false).launch.empty());
  auto a = setup(20, true);
  ASSERT_EQ(a.launch.size(), 1u);
  const auto& chosen = cluster.pools()[a.launch[0].first];
  EXPECT_TRUE(chosen.spot);
  EXPECT_LT(chosen.usd_per_hour, 0.5 + 0.01 * 15);  // among the 15 cheapest
}

// G3.5
TEST_F(KarpenterTest, G3_5_WhenEmptyConsolidateAfter) {
  make({{"consolidation_policy", "WhenEmpty"}, {"consolidate_after", "10m"}});
  const PoolId p = offering(type("g1", 1, 8, 32), 1.0);
  const NodeId n = cluster.add_node(p, 0);
  const Job& j = job({pod(1, 1000, kGi)});
  run_on(j, n);
  EXPECT_EQ(tick_until_action(0, 100 * kSecond), 100 * kSecond);
  stop(j, n, 100 * kSecond);
  ProvisioningActions a;
  EXPECT_EQ(tick_until_action(100 * kSecond, 800 * kSecond, &a), 700 * kSecond);
  ASSERT_EQ(a.remove.size(), 1u);
  EXPECT_EQ(a.remove[0], n);
}

TEST_F(KarpenterTest, G3_5_PodArrivalResetsTimer) {
  make({{"consolidation_policy", "WhenEmpty"}, {"consolidate_after", "10m"}});
  const PoolId p = offering(type("g1", 1, 8, 32), 1.0);
  const NodeId n = cluster.add_node(p, 0);
  const Job& j = job({pod(1, 1000, kGi)});
  run_on(j, n);
  EXPECT_EQ(tick_until_action(0, 100 * kSecond), 100 * kSecond);
  stop(j, n, 100 * kSecond);
  EXPECT_EQ(tick_until_action(100 * kSecond, 400 * kSecond), 400 * kSecond);
  const Job& j2 = job({pod(1, 1000, kGi)});
  run_on(j2, n, 400 * kSecond);
  EXPECT_EQ(tick_until_action(400 * kSecond, 430 * kSecond), 430 * kSecond);
  stop(j2, n, 430 * kSecond);  // empty again from 430 s
  EXPECT_EQ(tick_until_action(430 * kSecond, 1100 * kSecond), 1030 * kSecond);
}

TEST_F(KarpenterTest, EmptinessRespectsBudget) {
  make({{"budget_nodes", "1"}});
  const PoolId p = offering(type("g1", 1, 8, 32), 1.0);
  for (int i = 0; i < 3; ++i) cluster.add_node(p, 0);
  EXPECT_EQ(tick(0).remove.size(), 1u);
  EXPECT_TRUE(tick(5 * kSecond).remove.empty());  // not a disruption poll
  EXPECT_EQ(tick(10 * kSecond).remove.size(), 1u);
}

TEST_F(KarpenterTest, EmptyNodeWantedByPendingPodsIsKept) {
  const PoolId p = offering(type("g1", 1, 8, 32), 1.0);
  cluster.add_node(p, 0);
  make_pending(job({pod(1, 1000, kGi)}));  // e.g. held by a queue: it would land on the empty node
  EXPECT_EQ(tick_until_action(0, 30 * kSecond), 30 * kSecond);
}

TEST_F(KarpenterTest, DoNotDisruptBlocksConsolidation) {
  const PoolId p = offering(type("g4", 4, 32, 128), 4.0);
  const NodeId x = cluster.add_node(p, 0);
  const NodeId y = cluster.add_node(p, 0);
  run_on(job({pod(1, 1000, kGi)}, {{kDoNotDisruptLabel, "true"}}), x);
  run_on(job({pod(1, 1000, kGi)}, {{kDoNotDisruptLabel, "true"}}), y);
  EXPECT_EQ(tick_until_action(0, 30 * kSecond), 30 * kSecond);
}

// G3.6
TEST_F(KarpenterTest, G3_6_ExpiryIgnoresBudgetsAndConsolidation) {
  make({{"consolidate_after", "Never"}, {"budget_nodes", "0"}});
  const PoolId p = offering(type("g1", 1, 8, 32), 1.0);
  const NodeId n = cluster.add_node(p, 0);
  run_on(job({pod(1, 1000, kGi)}), n);
  EXPECT_TRUE(tick(2'591'990 * kSecond).remove.empty());
  auto a = tick(2'592'000 * kSecond);
  ASSERT_EQ(a.remove.size(), 1u);
  EXPECT_EQ(a.remove[0], n);
}

}  // namespace
}  // namespace fleetsim::policies
