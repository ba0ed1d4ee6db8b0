// topology-aware against best-fit on a hand-made pair of p3.16xlarge-like nodes
// (8 V100s, DGX-1 hybrid cube mesh: quads {0,1,2,3} and {4,5,6,7}, GPU i also
// linked to i+4). Node 0 has GPUs {0,1,4,6} free, node 1 has {0,1,2,3} free.
#include <gtest/gtest.h>

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

InstanceType p3_16xlarge() {
  InstanceType t;
  t.name = "p3.16xlarge";
  t.gpu_model = "V100";
  t.gpus = 8;
  t.gpu_memory_gib = 16;
  t.vcpu = 64;
  t.memory_gib = 488;
  t.interconnect = models::Interconnect::nvlink;
  t.reserve_system = false;
  return t;
}

std::unique_ptr<PlacementPolicy> make(const std::string& name) {
  const auto* entry = PlacementRegistry::instance().find(name);
  if (!entry) throw std::runtime_error("no placement policy " + name);
  return entry->make(Params(entry->params, std::map<std::string, std::string>{}));
}

PodSpec pod(int gpus, std::int64_t cpu_milli = 0) {
  PodSpec p;
  p.gpus = gpus;
  p.cpu_milli = cpu_milli > 0 ? cpu_milli : 1000LL * (gpus > 0 ? gpus : 1);
  p.memory_mib = 4096LL * (gpus > 0 ? gpus : 1);
  return p;
}

class TopologyAwareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    type = p3_16xlarge();
    const auto pool = cluster.add_pool({"p3", &type, 2, 0});
    for (int i = 0; i < 2; ++i) cluster.add_node(pool, 0);
    // Eight 1-GPU pods on each node take GPUs 0..7 in order; free some again.
    for (NodeId n : {0u, 1u})
      for (std::uint32_t g = 0; g < 8; ++g) cluster.bind(n, {job(n, g), 0}, pod(1), 0, 0);
    for (std::uint32_t g : {0u, 1u, 4u, 6u}) cluster.unbind(0, {job(0, g), 0}, 0);
    for (std::uint32_t g : {0u, 1u, 2u, 3u}) cluster.unbind(1, {job(1, g), 0}, 0);
    // A CPU-only pod makes node 0 the more allocated: best-fit prefers it by score.
    cluster.bind(0, {900, 0}, pod(0, 16000), 0, 0);
  }
  static models::JobId job(NodeId n, std::uint32_t gpu) { return 100 + 10 * n + gpu; }

  InstanceType type;
  Cluster cluster;
  std::unique_ptr<PlacementPolicy> best_fit = make("best-fit");
  std::unique_ptr<PlacementPolicy> topo = make("topology-aware");
};

TEST_F(TopologyAwareTest, IsRegisteredWithADescription) {
  const auto* e = PlacementRegistry::instance().find("topology-aware");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->description.empty());
}

TEST_F(TopologyAwareTest, TheFreeSetsAreAsIntended) {
  EXPECT_EQ(cluster.node(0).free_gpu_mask, 0b0101'0011u);  // {0,1,4,6}
  EXPECT_EQ(cluster.node(1).free_gpu_mask, 0b0000'1111u);  // {0,1,2,3}
  EXPECT_FALSE(cluster.node(0).topology->fully_nvlinked(0b0101'0011u));
  EXPECT_EQ(cluster.node(0).topology->nvlinked_subset(0b0101'0011u, 4), 0u);
  EXPECT_TRUE(cluster.node(1).topology->fully_nvlinked(0b0000'1111u));
}

TEST_F(TopologyAwareTest, FourGpuPodGoesToTheNvlinkedQuad) {
  const PodSpec p = pod(4);
  ASSERT_TRUE(cluster.fits(cluster.node(0), p));
  ASSERT_TRUE(cluster.fits(cluster.node(1), p));
  EXPECT_EQ(best_fit->place(p, cluster), std::optional<NodeId>(0));  // more allocated, split over PCIe
  EXPECT_EQ(topo->place(p, cluster), std::optional<NodeId>(1));
  // Bound there, the device plugin hands it the NVLinked quad.
  EXPECT_EQ(cluster.bind(1, {1, 0}, p, 0, 0), 0b0000'1111u);
}

TEST_F(TopologyAwareTest, TwoGpuPodPacksWhereALinkedPairIsFree) {
  // Node 0 holds the NVLinked pair {0,1} (and {0,4}, {1,...}): it is also the
  // most allocated, so both policies agree.
  EXPECT_EQ(best_fit->place(pod(2), cluster), std::optional<NodeId>(0));
  EXPECT_EQ(topo->place(pod(2), cluster), std::optional<NodeId>(0));
}

TEST_F(TopologyAwareTest, ZeroAndOneGpuPodsAreBestFit) {
  for (int g : {0, 1}) EXPECT_EQ(topo->place(pod(g), cluster), best_fit->place(pod(g), cluster)) << g;
  PodSpec frac;
  frac.gpu_milli = 500;
  frac.cpu_milli = 1000;
  EXPECT_EQ(topo->place(frac, cluster), best_fit->place(frac, cluster));
}

TEST_F(TopologyAwareTest, FallsBackToBestFitWhenNoNodeHasALinkedSet) {
  cluster.bind(1, {1, 0}, pod(4), 0, 0);  // node 1 full; node 0 has only the split {0,1,4,6}
  EXPECT_EQ(best_fit->place(pod(4), cluster), std::optional<NodeId>(0));
  EXPECT_EQ(topo->place(pod(4), cluster), std::optional<NodeId>(0));
  EXPECT_EQ(topo->place(pod(5), cluster), std::nullopt);  // fits nowhere
}

}  // namespace
}  // namespace fleetsim::policies
