// first-fit, best-fit (MostAllocated) and spread (LeastAllocated) on a small
// hand-made cluster. Types use reserve_system=false so allocatable == capacity
// and every score below is exact.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/cluster.hpp"
#include "policies/placement/placement_policy.hpp"

namespace fleetsim::policies {
namespace {

using models::Cluster;
using models::InstanceType;
using models::NodeId;
using models::PodSpec;

constexpr std::int64_t kGi = 1024;

InstanceType gpu_type(const std::string& name, const std::string& model) {
  InstanceType t;
  t.name = name;
  t.gpu_model = model;
  t.gpus = 8;
  t.gpu_memory_gib = 32;
  t.vcpu = 32;
  t.memory_gib = 256;
  t.interconnect = models::Interconnect::nvlink;
  t.reserve_system = false;
  return t;
}

std::unique_ptr<PlacementPolicy> make(const std::string& name, std::map<std::string, std::string> values = {}) {
  const auto* entry = PlacementRegistry::instance().find(name);
  if (!entry) throw std::runtime_error("no placement policy " + name);
  return entry->make(Params(entry->params, values));
}

// Per GPU: 4 vCPU and 32 GiB, so cpu, memory and GPU fractions move together.
PodSpec gpu_pod(int gpus) {
  PodSpec p;
  p.gpus = gpus;
  p.cpu_milli = 4000LL * gpus;
  p.memory_mib = 32 * kGi * gpus;
  return p;
}

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v100 = gpu_type("v100x8", "V100M32");
    pool = cluster.add_pool({"gpu", &v100, 3, 0});
    for (int i = 0; i < 3; ++i) cluster.add_node(pool, 0);
  }
  // Occupies `gpus` GPUs of `node` with one pod.
  void load(NodeId node, int gpus) { cluster.bind(node, {next_job++, 0}, gpu_pod(gpus), 0, 0); }

  InstanceType v100;
  Cluster cluster;
  models::PoolId pool = 0;
  models::JobId next_job = 100;
};

TEST_F(PlacementTest, AllThreeAreRegistered) {
  EXPECT_NE(PlacementRegistry::instance().find("first-fit"), nullptr);
  EXPECT_NE(PlacementRegistry::instance().find("best-fit"), nullptr);
  EXPECT_NE(PlacementRegistry::instance().find("spread"), nullptr);
}

TEST_F(PlacementTest, EachPolicyPicksItsNode) {
  load(0, 2);
  load(1, 6);
  // Pod of 2 GPUs / 8000m / 64Gi. Requested-with-pod fractions:
  //   node 0: 4/8 -> MostAllocated 50, LeastAllocated 50
  //   node 1: 8/8 -> 100, 0
  //   node 2: 2/8 -> 25, 75
  const PodSpec pod = gpu_pod(2);
  EXPECT_EQ(make("first-fit")->place(pod, cluster), NodeId{0});
  EXPECT_EQ(make("best-fit")->place(pod, cluster), NodeId{1});
  EXPECT_EQ(make("spread")->place(pod, cluster), NodeId{2});
}

TEST_F(PlacementTest, FirstFitSkipsNodesThatDoNotFit) {
  load(0, 7);
  load(2, 4);
  EXPECT_EQ(make("first-fit")->place(gpu_pod(2), cluster), NodeId{1});
  EXPECT_EQ(make("first-fit")->place(gpu_pod(1), cluster), NodeId{0});
}

TEST_F(PlacementTest, BestFitPrefersFullNodeEvenWithGpuWeightZero) {
  load(0, 2);
  load(1, 6);
  // Without the GPU in the score cpu and memory still say node 1.
  EXPECT_EQ(make("best-fit", {{"gpu_weight", "0"}})->place(gpu_pod(2), cluster), NodeId{1});
}

TEST_F(PlacementTest, GpuWeightDecidesWhenCpuDisagrees) {
  // Node 0: 6 GPUs busy but little CPU/memory; node 1: 1 GPU busy, heavy CPU/memory.
  PodSpec gpu_heavy;
  gpu_heavy.gpus = 6;
  gpu_heavy.cpu_milli = 1000;
  gpu_heavy.memory_mib = 8 * kGi;
  cluster.bind(0, {1, 0}, gpu_heavy, 0, 0);
  PodSpec cpu_heavy;
  cpu_heavy.gpus = 1;
  cpu_heavy.cpu_milli = 24000;
  cpu_heavy.memory_mib = 192 * kGi;
  cluster.bind(1, {2, 0}, cpu_heavy, 0, 0);
  PodSpec pod;
  pod.gpus = 1;
  pod.cpu_milli = 1000;
  pod.memory_mib = 8 * kGi;
  // MostAllocated with pod, cpu/mem/gpu:
  //   node 0: cpu 2000/32000 = 6, mem 16/256 = 6, gpu 7/8 = 87
  //   node 1: cpu 25000/32000 = 78, mem 200/256 = 78, gpu 2/8 = 25
  // gpu_weight 0: node 0 = 6, node 1 = 78 -> node 1.
  // gpu_weight 3: node 0 = (6+6+261)/5 = 54, node 1 = (78+78+75)/5 = 46 -> node 0.
  EXPECT_EQ(make("best-fit", {{"gpu_weight", "0"}})->place(pod, cluster), NodeId{1});
  EXPECT_EQ(make("best-fit", {{"gpu_weight", "3"}})->place(pod, cluster), NodeId{0});
  EXPECT_EQ(make("best-fit")->place(pod, cluster), NodeId{0});  // default gpu_weight is 3
}

TEST_F(PlacementTest, TiesGoToLowestNodeIndex) {
  // All empty: every node scores the same.
  EXPECT_EQ(make("best-fit")->place(gpu_pod(2), cluster), NodeId{0});
  EXPECT_EQ(make("spread")->place(gpu_pod(2), cluster), NodeId{0});
  // Node 0 cannot take the pod; nodes 1 and 2 tie.
  load(0, 7);
  load(1, 3);
  load(2, 3);
  EXPECT_EQ(make("best-fit")->place(gpu_pod(2), cluster), NodeId{1});
  EXPECT_EQ(make("spread")->place(gpu_pod(2), cluster), NodeId{1});
}

TEST_F(PlacementTest, NoNodeHasEnoughFreeGpus) {
  load(0, 2);
  load(1, 2);
  load(2, 2);
  EXPECT_EQ(cluster.max_free_gpus(), 6);
  for (const char* name : {"first-fit", "best-fit", "spread"}) {
    EXPECT_EQ(make(name)->place(gpu_pod(7), cluster), std::nullopt) << name;
    EXPECT_EQ(make(name)->place(gpu_pod(9), cluster), std::nullopt) << name;
    EXPECT_TRUE(make(name)->place(gpu_pod(6), cluster).has_value()) << name;
  }
}

TEST_F(PlacementTest, CpuShortageAloneRejects) {
  // GPUs free everywhere but no node has 33 vCPUs.
  PodSpec pod;
  pod.gpus = 1;
  pod.cpu_milli = 33000;
  for (const char* name : {"first-fit", "best-fit", "spread"})
    EXPECT_EQ(make(name)->place(pod, cluster), std::nullopt) << name;
}

TEST_F(PlacementTest, FractionalPodTakesAWholeGpu) {
  PodSpec all_gpus;  // node 0: all 8 GPUs in use, CPU and memory mostly free
  all_gpus.gpus = 8;
  all_gpus.cpu_milli = 1000;
  all_gpus.memory_mib = 1024;
  cluster.bind(0, {99, 0}, all_gpus, 0, 0);
  PodSpec frac;
  frac.gpu_milli = 500;
  frac.cpu_milli = 1000;
  frac.memory_mib = 1024;
  EXPECT_EQ(frac.whole_gpus(), 1);
  EXPECT_FALSE(cluster.fits(cluster.node(0), frac));
  auto where = make("first-fit")->place(frac, cluster);
  ASSERT_EQ(where, NodeId{1});
  const auto mask = cluster.bind(*where, {1, 0}, frac, 0, 0);
  EXPECT_EQ(std::popcount(mask), 1);
  EXPECT_EQ(cluster.node(1).requested.gpus, 1);
  EXPECT_EQ(cluster.node(1).free().gpus, 7);
  EXPECT_EQ(std::popcount(cluster.node(1).free_gpu_mask), 7);
  // A second half-GPU pod takes another whole device, not the other half.
  cluster.bind(1, {2, 0}, frac, 0, 0);
  EXPECT_EQ(cluster.node(1).free().gpus, 6);
  // A CPU-only pod still fits on the node with no free GPU.
  PodSpec cpu_only;
  cpu_only.cpu_milli = 1000;
  EXPECT_TRUE(cluster.fits(cluster.node(0), cpu_only));
  EXPECT_EQ(make("first-fit")->place(cpu_only, cluster), NodeId{0});
}

TEST(PlacementModels, GpuModelConstraintHonoured) {
  InstanceType a100 = gpu_type("a100x8", "A100");
  InstanceType v16 = gpu_type("v100m16x8", "V100M16");
  InstanceType v32 = gpu_type("v100m32x8", "V100M32");
  Cluster c;
  c.add_node(c.add_pool({"a100", &a100, 1, 0}), 0);  // node 0
  c.add_node(c.add_pool({"v16", &v16, 1, 0}), 0);    // node 1
  c.add_node(c.add_pool({"v32", &v32, 1, 0}), 0);    // node 2
  c.bind(2, {1, 0}, gpu_pod(4), 0, 0);               // node 2 fuller than node 1

  PodSpec pod = gpu_pod(2);
  pod.gpu_model = "V100M16|V100M32";
  EXPECT_EQ(make("first-fit")->place(pod, c), NodeId{1});
  EXPECT_EQ(make("best-fit")->place(pod, c), NodeId{2});
  EXPECT_EQ(make("spread")->place(pod, c), NodeId{1});
  EXPECT_FALSE(c.fits(c.node(0), pod));

  pod.gpu_model = "V100M32";
  EXPECT_EQ(make("first-fit")->place(pod, c), NodeId{2});
  EXPECT_EQ(make("spread")->place(pod, c), NodeId{2});

  pod.gpu_model = "A100";
  EXPECT_EQ(make("best-fit")->place(pod, c), NodeId{0});

  pod.gpu_model = "T4";
  for (const char* name : {"first-fit", "best-fit", "spread"}) EXPECT_EQ(make(name)->place(pod, c), std::nullopt);

  // A prefix of a model name is not that model.
  pod.gpu_model = "V100";
  EXPECT_EQ(make("first-fit")->place(pod, c), std::nullopt);
}

}  // namespace
}  // namespace fleetsim::policies
