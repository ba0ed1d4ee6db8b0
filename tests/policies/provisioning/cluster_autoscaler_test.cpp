// cluster-autoscaler driven directly: a hand-built cluster, hand-built
// unschedulable lists, reconcile() at chosen times. Types use
// reserve_system=false so allocatable == capacity and utilizations are exact.
// Gold cases are SEMANTICS.md 2.5 (G2.1 ... G2.6).
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "policies/provisioning/cluster_autoscaler.hpp"
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

PodSpec pod(std::int32_t gpus, std::int64_t cpu_milli, std::int64_t mem_mib, const std::string& model = "") {
  PodSpec p;
  p.gpus = gpus;
  p.cpu_milli = cpu_milli;
  p.memory_mib = mem_mib;
  p.gpu_model = model;
  return p;
}

using Launches = std::vector<std::pair<PoolId, int>>;

class ClusterAutoscalerTest : public ::testing::Test {
 protected:
  void make_ca(std::map<std::string, std::string> values = {}) {
    const auto* e = ProvisionerRegistry::instance().find("cluster-autoscaler");
    ASSERT_NE(e, nullptr);
    owner = e->make(Params(e->params, values));
    ca = dynamic_cast<ClusterAutoscaler*>(owner.get());
    ASSERT_NE(ca, nullptr);
  }
  void SetUp() override { make_ca(); }

  const InstanceType* type(const std::string& name, int gpus, int vcpu, double mem_gib,
                           const std::string& model = "A100") {
    InstanceType t;
    t.name = name;
    t.gpus = gpus;
    t.gpu_model = gpus > 0 ? model : "";
    t.gpu_memory_gib = gpus > 0 ? 80 : 0;
    t.vcpu = vcpu;
    t.memory_gib = mem_gib;
    t.reserve_system = false;
    types.push_back(t);
    return &types.back();
  }
  const InstanceType* gpu8() { return type("gpu8", 8, 96, 768); }

  PoolId pool(const std::string& name, const InstanceType* t, int min, int max, double price = 1.0) {
    models::NodePool p;
    p.name = name;
    p.type = t;
    p.min = min;
    p.max = max;
    p.usd_per_hour = price;
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
  void make_pending(const Job& j) { pending.push_back({&j, 0}); }
  // Binds all pods of `j` to `node` and marks it running.
  void run_on(const Job& j, NodeId node, SimTime now = 0) {
    for (std::uint32_t i = 0; i < j.pods.size(); ++i) cluster.bind(node, {j.id, i}, j.pods[i], j.priority, now);
    running[j.id] = &j;
  }
  void stop(const Job& j, NodeId node, SimTime now) {
    for (std::uint32_t i = 0; i < j.pods.size(); ++i) cluster.unbind(node, {j.id, i}, now);
    running[j.id] = nullptr;
  }

  ProvisioningActions tick(SimTime now) {
    ProvisioningView v{cluster, pending, now, running};
    ProvisioningActions a;
    ca->reconcile(v, rng, a);
    return a;
  }
  // Acts as the world would for removals: pods leave, the node terminates.
  void apply_removals(const ProvisioningActions& a, SimTime now) {
    for (NodeId id : a.remove) {
      while (!cluster.node(id).pods.empty()) cluster.unbind(id, cluster.node(id).pods.back().ref, now);
      cluster.set_state(id, NodeState::terminated, now);
    }
  }
  // Ticks every 10 s in [from, to) and expects nothing to happen.
  void expect_quiet(SimTime from, SimTime to) {
    for (SimTime t = from; t < to; t += 10 * kSecond) {
      auto a = tick(t);
      ASSERT_TRUE(a.launch.empty()) << "launch at " << sim::to_seconds(t);
      ASSERT_TRUE(a.remove.empty()) << "remove at " << sim::to_seconds(t);
    }
  }

  std::deque<InstanceType> types;
  std::deque<Job> jobs;
  Cluster cluster;
  std::vector<PendingJob> pending;
  std::vector<const Job*> running;
  std::unique_ptr<Provisioner> owner;
  ClusterAutoscaler* ca = nullptr;
  sim::Rng rng{42};
};

// --- parameters ---------------------------------------------------------------

TEST_F(ClusterAutoscalerTest, DefaultsFollowTheFlagTable) {
  const auto& c = ca->config();
  EXPECT_EQ(ca->period(), 10 * kSecond);
  ASSERT_EQ(c.expanders.size(), 1u);
  EXPECT_EQ(c.expanders[0], Expander::least_waste);
  EXPECT_TRUE(c.scale_down_enabled);
  EXPECT_DOUBLE_EQ(c.scale_down_utilization_threshold, 0.5);
  EXPECT_DOUBLE_EQ(c.scale_down_gpu_utilization_threshold, 0.5);
  EXPECT_EQ(c.scale_down_unneeded_time, 10 * kMinute);
  EXPECT_EQ(c.scale_down_delay_after_add, 10 * kMinute);
  EXPECT_EQ(c.scale_down_delay_after_delete, 0);
  EXPECT_EQ(c.max_node_provision_time, 15 * kMinute);
  EXPECT_EQ(c.initial_node_group_backoff, 5 * kMinute);
  EXPECT_EQ(c.max_node_group_backoff, 30 * kMinute);
  EXPECT_EQ(c.node_group_backoff_reset, 3 * sim::kHour);
  EXPECT_EQ(c.max_scale_down_parallelism, 10);
  EXPECT_EQ(c.max_drain_parallelism, 1);
  EXPECT_EQ(c.max_nodes_total, 0);
}

TEST_F(ClusterAutoscalerTest, ExpanderChainAndPrioritiesAreValidated) {
  make_ca({{"expander", "priority, least-waste,random"}, {"priorities", "50:.*spot.*; 10:.*"}});
  ASSERT_EQ(ca->config().expanders.size(), 3u);
  EXPECT_EQ(ca->config().expanders[0], Expander::priority);
  EXPECT_EQ(ca->config().expanders[2], Expander::random);
  ASSERT_EQ(ca->config().priorities.size(), 2u);
  EXPECT_EQ(ca->config().priorities[0].priority, 50);
  EXPECT_EQ(ca->config().priorities[1].pattern, ".*");

  const auto* e = ProvisionerRegistry::instance().find("cluster-autoscaler");
  try {
    e->make(Params(e->params, {{"expander", "least-wast"}}));
    FAIL() << "expected InputError";
  } catch (const InputError& err) {
    const std::string msg = err.what();
    EXPECT_NE(msg.find("'least-wast'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("random, most-pods, least-waste, least-nodes, price, priority"), std::string::npos) << msg;
  }
  EXPECT_THROW(e->make(Params(e->params, {{"expander", ""}})), InputError);
  EXPECT_THROW(e->make(Params(e->params, {{"priorities", "high:.*"}})), InputError);
  EXPECT_THROW(e->make(Params(e->params, {{"priorities", "10:[unclosed"}})), InputError);
}

// --- utilization and scale-down candidates -------------------------------------

// G2.1: 4 CPU / 16 GiB with 1 CPU / 10 GiB requested: max(0.25, 0.625) >= 0.5.
TEST_F(ClusterAutoscalerTest, G2_1_NonGpuUtilizationIsMaxOfCpuAndMemory) {
  const auto* cpu4 = type("cpu4", 0, 4, 16);
  const PoolId p = pool("cpu", cpu4, 0, 10);
  const PoolId spare = pool("spare", cpu4, 1, 10);
  const NodeId x = cluster.add_node(p, 0);
  const NodeId y = cluster.add_node(p, 0);
  cluster.add_node(spare, 0);
  run_on(job({pod(0, 1000, 10 * kGi)}), x);
  run_on(job({pod(0, 1000, 4 * kGi)}), y);
  EXPECT_DOUBLE_EQ(ca_utilization(cluster.node(x)), 0.625);
  EXPECT_DOUBLE_EQ(ca_utilization(cluster.node(y)), 0.25);
  tick(0);
  EXPECT_FALSE(ca->unneeded_since(x));
  EXPECT_EQ(ca->unneeded_since(y), SimTime{0});
}

// G2.2: GPU nodes count GPUs only; 3/8 is a candidate even at 90/96 CPU, 4/8 is not.
TEST_F(ClusterAutoscalerTest, G2_2_GpuUtilizationIgnoresCpuAndIsStrict) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 10);
  const PoolId spare = pool("spare", t, 1, 10);
  const NodeId three = cluster.add_node(p, 0);
  const NodeId four = cluster.add_node(p, 0);
  cluster.add_node(spare, 0);  // at min: never a candidate, takes the 3-GPU/90-CPU pod
  run_on(job({pod(3, 90000, 10 * kGi)}), three);
  run_on(job({pod(4, 10000, 10 * kGi)}), four);
  EXPECT_DOUBLE_EQ(ca_utilization(cluster.node(three)), 0.375);
  EXPECT_DOUBLE_EQ(ca_utilization(cluster.node(four)), 0.5);
  tick(0);
  EXPECT_EQ(ca->unneeded_since(three), SimTime{0});
  EXPECT_FALSE(ca->unneeded_since(four));
}

// G2.3: scale-up at 0, X empty from 0 -> removed at the first tick >= 600 s. A pod
// on X at 300 that leaves at 310 restarts the timer -> removal at 910 s.
TEST_F(ClusterAutoscalerTest, G2_3_DelayAfterAddAndUnneededTime) {
  for (bool interrupted : {false, true}) {
    SCOPED_TRACE(interrupted ? "pod at 300..310" : "empty throughout");
    cluster = Cluster();
    pending.clear();
    make_ca();
    const auto* cpu = type("cpu8", 0, 8, 32);
    const PoolId a = pool("cpu", cpu, 0, 10);
    const PoolId b = pool("gpu", gpu8(), 0, 10);
    const NodeId x = cluster.add_node(a, 0);
    const Job& train = job({pod(8, 1000, kGi)});
    make_pending(train);
    auto first = tick(0);
    ASSERT_EQ(first.launch, (Launches{{b, 1}}));
    ASSERT_TRUE(first.remove.empty());
    ASSERT_EQ(ca->last_scale_up(), SimTime{0});
    const NodeId gpu_node = cluster.add_node(b, 0, 110, NodeState::launching);  // the world launches it
    EXPECT_EQ(ca->unneeded_since(x), SimTime{0});

    const Job& big = job({pod(0, 6000, kGi)});  // 75 % of X: not unneeded while there
    SimTime t = 10 * kSecond;
    SimTime removed_at = -1;
    for (; t <= 1000 * kSecond && removed_at < 0; t += 10 * kSecond) {
      if (t == 200 * kSecond) {  // the GPU node comes up and the job starts on it
        cluster.set_state(gpu_node, NodeState::booting, t);
        cluster.set_state(gpu_node, NodeState::ready, t);
        run_on(train, gpu_node, t);
        pending.clear();
      }
      if (interrupted && t == 300 * kSecond) run_on(big, x, t);
      if (interrupted && t == 310 * kSecond) stop(big, x, t);
      auto act = tick(t);
      ASSERT_TRUE(act.launch.empty()) << "t=" << sim::to_seconds(t);
      if (!act.remove.empty()) {
        ASSERT_EQ(act.remove, std::vector<NodeId>{x});
        removed_at = t;
      }
    }
    EXPECT_EQ(removed_at, (interrupted ? 910 : 600) * kSecond);
  }
}

// --- scale-up -----------------------------------------------------------------

// G2.4: pods total 6 CPU / 8 GiB; A = 8 CPU/32 GiB wastes 1.0, B = 16/64 wastes 1.5.
TEST_F(ClusterAutoscalerTest, G2_4_LeastWastePicksTheSmallerShape) {
  const PoolId b = pool("b-16", type("c16", 0, 16, 64), 0, 10);
  const PoolId a = pool("a-8", type("c8", 0, 8, 32), 0, 10);
  make_pending(job({pod(0, 3000, 4 * kGi), pod(0, 3000, 4 * kGi)}));
  ScaleUpOption oa{a, 1, {&jobs[0].pods[0], &jobs[0].pods[1]}};
  ScaleUpOption ob{b, 1, oa.pods};
  EXPECT_DOUBLE_EQ(wasted_score(oa, *cluster.pools()[a].type), 1.0);
  EXPECT_DOUBLE_EQ(wasted_score(ob, *cluster.pools()[b].type), 1.5);
  EXPECT_EQ(tick(0).launch, (Launches{{a, 1}}));
}

TEST_F(ClusterAutoscalerTest, BinpackingCountsNodes) {
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  for (int i = 0; i < 10; ++i) make_pending(job({pod(1, 4000, 16 * kGi)}));
  EXPECT_EQ(tick(0).launch, (Launches{{p, 2}}));
}

TEST_F(ClusterAutoscalerTest, LargestPodsArePackedFirst) {
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  // In queue order first-fit would need 3 nodes (1+1+... then 7 and 7); sorted it needs 2.
  for (int g : {1, 1, 7, 7}) make_pending(job({pod(g, 1000, kGi)}));
  EXPECT_EQ(tick(0).launch, (Launches{{p, 2}}));
}

TEST_F(ClusterAutoscalerTest, NoSecondScaleUpForPodsCoveredByLaunchingNodes) {
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  for (int i = 0; i < 10; ++i) make_pending(job({pod(1, 4000, 16 * kGi)}));
  ASSERT_EQ(tick(0).launch, (Launches{{p, 2}}));
  const NodeId n0 = cluster.add_node(p, 0, 110, NodeState::launching);
  cluster.add_node(p, 0, 110, NodeState::launching);
  EXPECT_TRUE(tick(10 * kSecond).launch.empty());
  cluster.set_state(n0, NodeState::booting, 20 * kSecond);
  EXPECT_TRUE(tick(20 * kSecond).launch.empty());
  // 6 GPUs are still free on the upcoming nodes: an 8-GPU pod needs a new one.
  make_pending(job({pod(8, 1000, kGi)}));
  EXPECT_EQ(tick(30 * kSecond).launch, (Launches{{p, 1}}));
}

TEST_F(ClusterAutoscalerTest, GangPartlyCoveredByFreeCapacityNeedsOnlyTheRest) {
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  const NodeId free_node = cluster.add_node(p, 0);
  make_pending(job({pod(8, 1000, kGi), pod(8, 1000, kGi)}));
  auto a = tick(0);
  EXPECT_EQ(a.launch, (Launches{{p, 1}}));
  EXPECT_TRUE(a.remove.empty());
  // The free node holds one pending pod in CA's simulation: it is not unneeded.
  EXPECT_FALSE(ca->unneeded_since(free_node));
}

TEST_F(ClusterAutoscalerTest, PoolMaxAndMaxNodesTotalCap) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 3);
  run_on(job({pod(8, 1000, kGi)}), cluster.add_node(p, 0));
  for (int i = 0; i < 30; ++i) make_pending(job({pod(1, 1000, kGi)}));
  EXPECT_EQ(tick(0).launch, (Launches{{p, 2}}));
  cluster.add_node(p, 0, 110, NodeState::launching);
  cluster.add_node(p, 0, 110, NodeState::launching);
  EXPECT_TRUE(tick(10 * kSecond).launch.empty());  // at max

  cluster = Cluster();
  make_ca({{"max_nodes_total", "2"}});
  const PoolId q = pool("gpu", t, 0, 10);
  run_on(jobs[0], cluster.add_node(q, 0));
  EXPECT_EQ(tick(0).launch, (Launches{{q, 1}}));
}

TEST_F(ClusterAutoscalerTest, OnlyGroupsThatFitTheWholeGangAreOptions) {
  const PoolId a100 = pool("a100", type("a100x8", 8, 96, 768, "A100"), 0, 10, 1.0);
  const PoolId h100 = pool("h100", type("h100x8", 8, 96, 768, "H100"), 0, 10, 9.0);
  make_pending(job({pod(8, 1000, kGi), pod(1, 1000, kGi, "H100")}));
  EXPECT_EQ(tick(0).launch, (Launches{{h100, 2}}));
  (void)a100;
}

// G2.5: no Ready node by 900 s -> removed, group backed off 5 min, next best chosen.
TEST_F(ClusterAutoscalerTest, G2_5_ProvisionTimeoutBacksOffAndFallsBack) {
  const PoolId b = pool("b-16", type("c16", 0, 16, 64), 0, 10);
  const PoolId a = pool("a-8", type("c8", 0, 8, 32), 0, 10);
  make_pending(job({pod(0, 3000, 4 * kGi), pod(0, 3000, 4 * kGi)}));
  ASSERT_EQ(tick(0).launch, (Launches{{a, 1}}));
  const NodeId stuck = cluster.add_node(a, 0, 110, NodeState::launching);
  expect_quiet(10 * kSecond, 900 * kSecond);
  auto act = tick(900 * kSecond);
  EXPECT_EQ(act.remove, std::vector<NodeId>{stuck});
  EXPECT_EQ(act.launch, (Launches{{b, 1}}));
  EXPECT_EQ(ca->backoff_until(a), 1200 * kSecond);
  EXPECT_EQ(ca->backoff_duration(a), 5 * kMinute);
  apply_removals(act, 900 * kSecond);
  cluster.add_node(b, 900 * kSecond, 110, NodeState::launching);
  EXPECT_TRUE(tick(910 * kSecond).launch.empty());
}

TEST_F(ClusterAutoscalerTest, BackoffDoublesUpToMaxAndResets) {
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  make_pending(job({pod(8, 1000, kGi)}));
  SimTime t = 0;
  for (SimTime expected : {5, 10, 20, 30, 30}) {
    auto up = tick(t);
    ASSERT_EQ(up.launch, (Launches{{p, 1}})) << "t=" << sim::to_seconds(t);
    cluster.add_node(p, t, 110, NodeState::launching);
    expect_quiet(t + 10 * kSecond, t + 15 * kMinute);
    t += 15 * kMinute;
    auto fail = tick(t);
    ASSERT_EQ(fail.remove.size(), 1u);
    EXPECT_TRUE(fail.launch.empty());  // the only group is backed off
    EXPECT_EQ(ca->backoff_duration(p), expected * kMinute);
    apply_removals(fail, t);
    expect_quiet(t + 10 * kSecond, t + expected * kMinute);
    t += expected * kMinute;
  }
  // Three hours without a failure forget the backoff: the next one is 5 min again.
  pending.clear();
  t += 3 * sim::kHour + 10 * kSecond;
  tick(t);
  EXPECT_FALSE(ca->backoff_until(p));
  make_pending(jobs[0]);
  ASSERT_EQ(tick(t).launch, (Launches{{p, 1}}));
  cluster.add_node(p, t, 110, NodeState::launching);
  tick(t + 15 * kMinute);
  EXPECT_EQ(ca->backoff_duration(p), 5 * kMinute);
}

// G2.6: priority 50 for .*spot.*, 10 for the rest -> the spot group, whatever the order.
TEST_F(ClusterAutoscalerTest, G2_6_PriorityExpanderPrefersSpot) {
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    cluster = Cluster();
    make_ca({{"expander", "priority"}, {"priorities", "50:.*spot.*;10:.*"}});
    rng = sim::Rng(seed);
    const auto* t = gpu8();
    const PoolId od = pool("gpu-od", t, 0, 10, 30.0);
    const PoolId spot = pool("gpu-spot-a", t, 0, 10, 10.0);
    pending.clear();
    make_pending(job({pod(8, 1000, kGi)}));
    EXPECT_EQ(tick(0).launch, (Launches{{spot, 1}}));
    (void)od;
  }
}

TEST_F(ClusterAutoscalerTest, OtherExpanders) {
  const PoolId small = pool("small", type("g2", 2, 16, 64), 0, 10, 1.0);
  const PoolId big = pool("big", type("g8", 8, 96, 768), 0, 10, 5.0);
  std::vector<ScaleUpOption> options{{small, 4, {}}, {big, 1, {}}};
  PodSpec p = pod(1, 1000, kGi);
  options[0].pods.assign(8, &p);
  options[1].pods.assign(7, &p);
  auto pick = [&](std::vector<Expander> chain) { return options[choose_option(chain, {}, cluster, options, rng)].pool; };
  EXPECT_EQ(pick({Expander::most_pods}), small);
  EXPECT_EQ(pick({Expander::least_nodes}), big);
  EXPECT_EQ(pick({Expander::price}), small);  // 4 x 1.0 < 1 x 5.0
  // Priority with no matching regex keeps all options; least-nodes decides.
  auto none = parse_priorities("5:^nomatch$");
  EXPECT_EQ(options[choose_option({Expander::priority, Expander::least_nodes}, none, cluster, options, rng)].pool, big);
}

// --- scale-down blockers ---------------------------------------------------------

TEST_F(ClusterAutoscalerTest, SafeToEvictFalseBlocksScaleDown) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 10);
  const PoolId spare = pool("spare", t, 1, 10);
  const NodeId guarded = cluster.add_node(p, 0);
  const NodeId plain = cluster.add_node(p, 0);
  cluster.add_node(spare, 0);
  run_on(job({pod(1, 1000, kGi)}, {{kSafeToEvictLabel, "false"}}), guarded);
  run_on(job({pod(1, 1000, kGi)}, {{kSafeToEvictLabel, "true"}}), plain);
  tick(0);
  EXPECT_FALSE(ca->unneeded_since(guarded));
  EXPECT_EQ(ca->unneeded_since(plain), SimTime{0});
  auto act = tick(10 * kMinute);
  EXPECT_EQ(act.remove, std::vector<NodeId>{plain});
}

TEST_F(ClusterAutoscalerTest, PoolMinIsNeverCrossed) {
  const PoolId p = pool("gpu", gpu8(), 1, 10);
  const NodeId n0 = cluster.add_node(p, 0);
  tick(0);
  EXPECT_FALSE(ca->unneeded_since(n0));  // at min: not a candidate
  EXPECT_TRUE(tick(20 * kMinute).remove.empty());

  const NodeId n1 = cluster.add_node(p, 0);
  const NodeId n2 = cluster.add_node(p, 0);
  SimTime t = 30 * kMinute;
  tick(t);
  EXPECT_TRUE(ca->unneeded_since(n1));
  auto act = tick(t + 10 * kMinute);
  EXPECT_EQ(act.remove.size(), 2u);  // 3 nodes, min 1
  apply_removals(act, t + 10 * kMinute);
  EXPECT_EQ(cluster.pool_size(p), 1);
  EXPECT_TRUE(tick(t + 30 * kMinute).remove.empty());
  (void)n2;
}

TEST_F(ClusterAutoscalerTest, NodeWhosePodsCannotMoveStays) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 10);
  const NodeId low = cluster.add_node(p, 0);
  const NodeId full = cluster.add_node(p, 0);
  run_on(job({pod(3, 1000, kGi)}), low);
  run_on(job({pod(6, 1000, kGi)}), full);  // 2 free GPUs: the 3-GPU pod does not fit
  tick(0);
  EXPECT_FALSE(ca->unneeded_since(low));
  EXPECT_TRUE(tick(20 * kMinute).remove.empty());
  // Capacity elsewhere frees up: the node becomes unneeded and goes 10 min later.
  stop(jobs[1], full, 21 * kMinute);
  run_on(job({pod(5, 1000, kGi)}), full);
  tick(21 * kMinute);
  EXPECT_EQ(ca->unneeded_since(low), 21 * kMinute);
  EXPECT_EQ(tick(31 * kMinute).remove, std::vector<NodeId>{low});
}

TEST_F(ClusterAutoscalerTest, ANodeBeingRemovedTakesNoPods) {
  // Two nodes at 3/8 GPUs: either could take the other's pod, not both.
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  const NodeId a = cluster.add_node(p, 0);
  const NodeId b = cluster.add_node(p, 0);
  run_on(job({pod(3, 1000, kGi)}), a);
  run_on(job({pod(3, 1000, kGi)}), b);
  tick(0);
  EXPECT_NE(ca->unneeded_since(a).has_value(), ca->unneeded_since(b).has_value());
  EXPECT_EQ(tick(10 * kMinute).remove.size(), 1u);
}

TEST_F(ClusterAutoscalerTest, EmptyNodesGoInBulkDrainsOneAtATime) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 100);
  const PoolId spare = pool("spare", t, 1, 10);
  std::vector<NodeId> empty;
  for (int i = 0; i < 12; ++i) empty.push_back(cluster.add_node(p, 0));
  const NodeId d0 = cluster.add_node(p, 0);
  const NodeId d1 = cluster.add_node(p, 0);
  const NodeId s0 = cluster.add_node(spare, 0);
  run_on(job({pod(1, 1000, kGi)}), d0);
  run_on(job({pod(1, 1000, kGi)}), d1);
  (void)s0;
  tick(0);
  auto act = tick(10 * kMinute);
  EXPECT_EQ(act.remove.size(), 10u);  // max_scale_down_parallelism, empty first
  for (NodeId id : act.remove) EXPECT_TRUE(cluster.node(id).pods.empty());
  apply_removals(act, 10 * kMinute);
  act = tick(10 * kMinute + 10 * kSecond);
  ASSERT_EQ(act.remove.size(), 3u);  // 2 empty left, 1 drain
  int non_empty = 0;
  for (NodeId id : act.remove) non_empty += !cluster.node(id).pods.empty();
  EXPECT_EQ(non_empty, 1);
  // The drain is still in flight (the node is draining): no second one.
  for (NodeId id : act.remove) cluster.set_state(id, NodeState::draining, 10 * kMinute + 10 * kSecond);
  EXPECT_TRUE(tick(10 * kMinute + 20 * kSecond).remove.empty());
  // Once it is gone, the next node drains.
  for (NodeId id : act.remove) {
    while (!cluster.node(id).pods.empty())
      cluster.unbind(id, cluster.node(id).pods.back().ref, 10 * kMinute + 30 * kSecond);
    cluster.set_state(id, NodeState::terminated, 10 * kMinute + 30 * kSecond);
  }
  EXPECT_EQ(tick(10 * kMinute + 30 * kSecond).remove.size(), 1u);
}

// --expendable-pods-priority-cutoff (-10): such pods neither trigger scale-up nor block scale-down.
TEST_F(ClusterAutoscalerTest, ExpendablePodsAreIgnored) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 10);
  const PoolId spare = pool("spare", t, 1, 10);
  Job& filler = job({pod(1, 1000, kGi)});
  filler.priority = -20;
  const NodeId n = cluster.add_node(p, 0);
  cluster.add_node(spare, 0);
  run_on(filler, n);  // would not fit anywhere else after the spare is full
  run_on(job({pod(8, 1000, kGi)}), 1);
  Job& low = job({pod(8, 1000, kGi)});
  low.priority = -11;
  make_pending(low);
  auto a = tick(0);
  EXPECT_TRUE(a.launch.empty());
  EXPECT_EQ(ca->unneeded_since(n), SimTime{0});
  a = tick(10 * kMinute);
  EXPECT_EQ(a.remove, std::vector<NodeId>{n});
}

// The world may decline a removal (pods mid-preemption): the node stays Ready and
// is judged again, and it does not count as a drain in flight.
TEST_F(ClusterAutoscalerTest, DeclinedRemovalIsForgotten) {
  const auto* t = gpu8();
  const PoolId p = pool("gpu", t, 0, 10);
  const PoolId spare = pool("spare", t, 1, 10);
  const NodeId a = cluster.add_node(p, 0);
  cluster.add_node(spare, 0);
  run_on(job({pod(1, 1000, kGi)}), a);
  tick(0);
  ASSERT_EQ(tick(10 * kMinute).remove, std::vector<NodeId>{a});
  // Not applied: next tick a is unneeded afresh and goes again 10 min later.
  EXPECT_TRUE(tick(10 * kMinute + 10 * kSecond).remove.empty());
  EXPECT_EQ(ca->unneeded_since(a), 10 * kMinute + 10 * kSecond);
  EXPECT_EQ(tick(20 * kMinute + 10 * kSecond).remove, std::vector<NodeId>{a});
}

TEST_F(ClusterAutoscalerTest, ScaleDownDisabled) {
  make_ca({{"scale_down_enabled", "false"}});
  const PoolId p = pool("gpu", gpu8(), 0, 10);
  const NodeId n = cluster.add_node(p, 0);
  tick(0);
  EXPECT_FALSE(ca->unneeded_since(n));
  EXPECT_TRUE(tick(30 * kMinute).remove.empty());
}

}  // namespace
}  // namespace fleetsim::policies
