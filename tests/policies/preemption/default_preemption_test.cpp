#include "policies/preemption/default_preemption.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace fleetsim::policies {
namespace {

using models::BoundPod;
using models::Cluster;
using models::InstanceType;
using models::PodSpec;

BoundPod victim(std::int32_t priority, sim::SimTime start = 0, models::JobId job = 0) {
  BoundPod b;
  b.ref = {job, 0};
  b.priority = priority;
  b.start = start;
  return b;
}

PreemptionCandidate cand(models::NodeId node, std::vector<BoundPod> victims, int pdb = 0) {
  return PreemptionCandidate{node, std::move(victims), pdb};
}

// ---- pickOneNodeForPreemption (SEMANTICS G1.6) ----

TEST(PickOneNode, G1_6_LowestHighestVictimPriority) {
  // A{100, 50} vs B{200} -> A.
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(100), victim(50)}), cand(1, {victim(200)})}), 0u);
  EXPECT_EQ(pick_one_node_for_preemption({cand(1, {victim(200)}), cand(0, {victim(100), victim(50)})}), 1u);
}

TEST(PickOneNode, G1_6_LowestPrioritySum) {
  // A{100, 100} vs B{100} -> B (sum 100 < 200).
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(100), victim(100)}), cand(1, {victim(100)})}), 1u);
}

TEST(PickOneNode, G1_6_FewestPdbViolationsFirst) {
  // A{10, violating a PDB} vs B{500} -> B.
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(10)}, 1), cand(1, {victim(500)}, 0)}), 1u);
}

TEST(PickOneNode, NegativePrioritiesSumWithOffset) {
  // Each priority is offset by MaxInt32+1, so a second victim always adds.
  // A{-5, -5} vs B{-5}: highest equal; sums 2*(2^31-5) vs 2^31-5 -> B.
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(-5), victim(-5)}), cand(1, {victim(-5)})}), 1u);
}

TEST(PickOneNode, FewestVictimsWhenSumsTie) {
  // Sums with offset: A{-100, INT32_MIN}: -100 + INT32_MIN + 2^32 = 2^31 - 100; B{-100}: 2^31 - 100.
  // Highest victim -100 on both, sums equal -> fewer victims: B.
  const std::int32_t lo = std::numeric_limits<std::int32_t>::min();
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(-100, 0), victim(lo, 0)}), cand(1, {victim(-100, 0)})}),
            1u);
}

TEST(PickOneNode, LatestStartOfHighestPriorityVictims) {
  // Same priorities, sums and counts: prefer the node whose top victims started
  // most recently (less work lost).
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(100, 10 * sim::kSecond), victim(5, 900 * sim::kSecond)}),
                                          cand(1, {victim(100, 20 * sim::kSecond), victim(5, 0)})}),
            1u);
  // Identical candidates: the first.
  EXPECT_EQ(pick_one_node_for_preemption({cand(0, {victim(7, 3)}), cand(1, {victim(7, 3)})}), 0u);
}

// ---- SelectVictimsOnNode ----

InstanceType eight_gpu_type() {
  InstanceType t;
  t.name = "gpu8";
  t.gpu_model = "A100";
  t.gpus = 8;
  t.vcpu = 96;
  t.memory_gib = 1024;
  t.interconnect = models::Interconnect::nvswitch;
  t.reserve_system = false;
  return t;
}

PodSpec gpus(int n) {
  PodSpec p;
  p.gpus = n;
  p.cpu_milli = 1000;
  p.memory_mib = 1024;
  return p;
}

std::vector<std::int32_t> priorities(const std::vector<BoundPod>& v) {
  std::vector<std::int32_t> out;
  for (const auto& b : v) out.push_back(b.priority);
  std::sort(out.begin(), out.end());
  return out;
}

class VictimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    type = eight_gpu_type();
    pool = cluster.add_pool({"gpu", &type, 2, 0});
    cluster.add_node(pool, 0);
    cluster.add_node(pool, 0);
  }
  InstanceType type;
  Cluster cluster;
  models::PoolId pool = 0;
};

TEST_F(VictimTest, ReprievesTheMostImportant) {
  // Four 2-GPU pods; start times run against priority so only priority can explain the result.
  cluster.bind(0, {1, 0}, gpus(2), 10, 400);
  cluster.bind(0, {2, 0}, gpus(2), 20, 300);
  cluster.bind(0, {3, 0}, gpus(2), 30, 200);
  cluster.bind(0, {4, 0}, gpus(2), 40, 100);
  // Need 4 GPUs at priority 100: reprieve 40 (6 free), 30 (4 free), not 20, not 10.
  auto v = select_victims_on_node(cluster, cluster.node(0), gpus(4), 100);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(priorities(*v), (std::vector<std::int32_t>{10, 20}));
  // Needing 2 GPUs: only the least important goes.
  v = select_victims_on_node(cluster, cluster.node(0), gpus(2), 100);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(priorities(*v), (std::vector<std::int32_t>{10}));
  // Needing all 8: everyone.
  v = select_victims_on_node(cluster, cluster.node(0), gpus(8), 100);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(priorities(*v), (std::vector<std::int32_t>{10, 20, 30, 40}));
}

TEST_F(VictimTest, EqualPriorityEarlierStartIsMoreImportant) {
  cluster.bind(0, {1, 0}, gpus(2), 10, 100);
  cluster.bind(0, {2, 0}, gpus(2), 10, 400);
  cluster.bind(0, {3, 0}, gpus(2), 10, 200);
  cluster.bind(0, {4, 0}, gpus(2), 10, 300);
  // Reprieve order: start 100, 200 (kept), then 300 and 400 are victims.
  auto v = select_victims_on_node(cluster, cluster.node(0), gpus(4), 50);
  ASSERT_TRUE(v.has_value());
  std::vector<sim::SimTime> starts;
  for (const auto& b : *v) starts.push_back(b.start);
  std::sort(starts.begin(), starts.end());
  EXPECT_EQ(starts, (std::vector<sim::SimTime>{300, 400}));
}

TEST_F(VictimTest, EqualOrHigherPriorityNeverVictims) {
  cluster.bind(0, {1, 0}, gpus(2), 100, 0);  // equal to the preemptor
  cluster.bind(0, {2, 0}, gpus(2), 200, 0);  // higher
  cluster.bind(0, {3, 0}, gpus(4), 50, 0);   // lower
  // 4 GPUs: removing the priority-50 pod is enough.
  auto v = select_victims_on_node(cluster, cluster.node(0), gpus(4), 100);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(priorities(*v), (std::vector<std::int32_t>{50}));
  // 6 GPUs would need the priority-100 pod too: not a candidate.
  EXPECT_FALSE(select_victims_on_node(cluster, cluster.node(0), gpus(6), 100).has_value());
  // Only equal/higher pods on node 1: nothing to take.
  cluster.bind(1, {4, 0}, gpus(8), 100, 0);
  EXPECT_FALSE(select_victims_on_node(cluster, cluster.node(1), gpus(1), 100).has_value());
  EXPECT_FALSE(select_victims_on_node(cluster, cluster.node(1), gpus(1), 99).has_value());
}

TEST_F(VictimTest, CpuCountsToo) {
  // GPUs free, CPU is what is short: victims must free CPU.
  PodSpec cpu_hog;
  cpu_hog.cpu_milli = 90000;
  cluster.bind(0, {1, 0}, cpu_hog, 0, 0);
  PodSpec small;
  small.cpu_milli = 4000;
  cluster.bind(0, {2, 0}, small, 5, 0);
  PodSpec pod = gpus(1);
  pod.cpu_milli = 8000;  // 96000 - 94000 = 2000 free
  auto v = select_victims_on_node(cluster, cluster.node(0), pod, 10);
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ(v->front().ref.job, 1u);  // removing the small pod (6000 free) is not enough
}

// ---- plan_job_preemption ----

std::unique_ptr<PlacementPolicy> first_fit() {
  const auto* e = PlacementRegistry::instance().find("first-fit");
  return e->make(Params(e->params, {}));
}

models::Job job(models::JobId id, std::int32_t priority, std::vector<int> pod_gpus) {
  models::Job j;
  j.id = id;
  j.priority = priority;
  for (int g : pod_gpus) j.pods.push_back(gpus(g));
  return j;
}

TEST_F(VictimTest, PlanEvictsTheVictimsWholeGang) {
  // Job 1 (priority 10) is a gang on both nodes; job 3 (priority 5) shares node 1.
  cluster.bind(0, {1, 0}, gpus(8), 10, 0);
  cluster.bind(1, {1, 1}, gpus(4), 10, 0);
  cluster.bind(1, {3, 0}, gpus(4), 5, 0);
  auto pf = first_fit();
  // Preemptor: pods of 8 and 4 GPUs at priority 100.
  // Pod 0: node 0 victims {10}; node 1 victims {10, 5} (same top, bigger sum) -> node 0.
  // Job 1 leaves both nodes, so pod 1 fits in the 4 GPUs it freed on node 1:
  // job 3 survives. (Evicting only job 1's pod on node 0 would make pod 1 evict job 3.)
  auto plan = plan_job_preemption(job(9, 100, {8, 4}), cluster, *pf, 1000);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(*plan, (std::set<models::JobId>{1}));
  // The cluster passed in is a copy: the real one is untouched.
  EXPECT_EQ(cluster.node(0).pods.size(), 1u);
  EXPECT_EQ(cluster.node(1).pods.size(), 2u);
  EXPECT_EQ(cluster.gpus_allocated(), 16);
}

TEST_F(VictimTest, PlanReturnsNulloptWhenNothingLowerPriority) {
  cluster.bind(0, {1, 0}, gpus(8), 100, 0);
  cluster.bind(1, {2, 0}, gpus(6), 200, 0);
  auto pf = first_fit();
  EXPECT_FALSE(plan_job_preemption(job(9, 100, {4}), cluster, *pf, 0).has_value());
  EXPECT_FALSE(plan_job_preemption(job(9, 50, {4}), cluster, *pf, 0).has_value());
  // A gang whose second pod cannot be made to fit: all or nothing.
  cluster.unbind(1, {2, 0}, 0);
  cluster.bind(1, {2, 0}, gpus(8), 200, 0);
  cluster.unbind(0, {1, 0}, 0);
  cluster.bind(0, {1, 0}, gpus(8), 10, 0);
  EXPECT_FALSE(plan_job_preemption(job(9, 100, {8, 8}), cluster, *pf, 0).has_value());
  // ...while one 8-GPU pod alone can preempt job 1.
  auto plan = plan_job_preemption(job(9, 100, {8}), cluster, *pf, 0);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(*plan, (std::set<models::JobId>{1}));
}

}  // namespace
}  // namespace fleetsim::policies
