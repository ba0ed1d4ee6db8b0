#include "models/gpu_topology.hpp"

#include <gtest/gtest.h>

#include <bit>

#include "models/cluster.hpp"

namespace fleetsim::models {
namespace {

TEST(GpuTopology, NvswitchLinksAllPairs) {
  auto t = GpuTopology::build(8, Interconnect::nvswitch);
  EXPECT_EQ(t.gpus(), 8);
  EXPECT_EQ(boost::num_edges(t.graph()), 28u);  // 8 choose 2
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) {
      if (a != b) {
        EXPECT_EQ(t.link(a, b), LinkKind::nvswitch) << a << "-" << b;
      }
    }
  EXPECT_TRUE(t.fully_nvlinked(0xFF));
  EXPECT_EQ(t.nvlinked_subset(0xFF, 8), 0xFFu);
  EXPECT_EQ(t.nvlinked_subset(0b1010'0101, 3), 0b0000'0101u | 0b0010'0000u);  // lowest three free: 0, 2, 5
}

TEST(GpuTopology, Dgx1HybridCubeMesh) {
  auto t = GpuTopology::build(8, Interconnect::nvlink);
  // Same quad.
  EXPECT_EQ(t.link(0, 3), LinkKind::nvlink);
  EXPECT_EQ(t.link(5, 6), LinkKind::nvlink);
  // GPU i and i+4.
  EXPECT_EQ(t.link(0, 4), LinkKind::nvlink);
  EXPECT_EQ(t.link(7, 3), LinkKind::nvlink);
  // Across quads otherwise: PCIe.
  EXPECT_EQ(t.link(0, 5), LinkKind::pcie);
  EXPECT_EQ(t.link(1, 4), LinkKind::pcie);
  EXPECT_EQ(t.link(3, 6), LinkKind::pcie);
  // Symmetric.
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) {
      if (a != b) {
        EXPECT_EQ(t.link(a, b), t.link(b, a));
      }
    }
  // Every GPU has NVLink to exactly 4 others (3 in its quad + its twin).
  for (int a = 0; a < 8; ++a) {
    int n = 0;
    for (int b = 0; b < 8; ++b)
      if (a != b && t.link(a, b) == LinkKind::nvlink) ++n;
    EXPECT_EQ(n, 4) << "GPU " << a;
  }
}

TEST(GpuTopology, FullyNvlinked) {
  auto t = GpuTopology::build(8, Interconnect::nvlink);
  EXPECT_TRUE(t.fully_nvlinked(0x0F));
  EXPECT_TRUE(t.fully_nvlinked(0xF0));
  EXPECT_TRUE(t.fully_nvlinked(0x11));   // 0 and 4
  EXPECT_FALSE(t.fully_nvlinked(0x21));  // 0 and 5
  EXPECT_FALSE(t.fully_nvlinked(0x1F));  // quad plus 4: 1-4 is PCIe
  EXPECT_FALSE(t.fully_nvlinked(0xFF));
  EXPECT_TRUE(t.fully_nvlinked(0x01));  // a single GPU has no pairs
}

TEST(GpuTopology, NvlinkedSubsetPicksFullyLinkedSet) {
  auto t = GpuTopology::build(8, Interconnect::nvlink);
  EXPECT_EQ(t.nvlinked_subset(0xFF, 4), 0x0Fu);  // lowest index set
  // GPU 0 busy: {1,2,3} cannot be completed (1-4, 2-5... are PCIe): second quad.
  EXPECT_EQ(t.nvlinked_subset(0xFE, 4), 0xF0u);
  EXPECT_TRUE(t.fully_nvlinked(t.nvlinked_subset(0xFE, 4)));
  // Only 0 and 5 free: no NVLinked pair.
  EXPECT_EQ(t.nvlinked_subset(0x21, 2), 0u);
  // 1 and 5 are twins.
  EXPECT_EQ(t.nvlinked_subset(0x22, 2), 0x22u);
  // No 5-GPU set is fully linked in a cube mesh.
  EXPECT_EQ(t.nvlinked_subset(0xFF, 5), 0u);
  // Not enough free GPUs, or nonsense count.
  EXPECT_EQ(t.nvlinked_subset(0x07, 4), 0u);
  EXPECT_EQ(t.nvlinked_subset(0xFF, 0), 0u);
  // Every result is a subset of the free mask with the requested size.
  for (std::uint32_t free = 0; free < 256; ++free)
    for (int count = 1; count <= 4; ++count) {
      const auto s = t.nvlinked_subset(free, count);
      if (s == 0) continue;
      ASSERT_EQ(s & ~free, 0u) << free << " " << count;
      ASSERT_EQ(std::popcount(s), count);
      ASSERT_TRUE(t.fully_nvlinked(s));
    }
}

TEST(GpuTopology, SmallNvlinkIsFullMesh) {
  auto t = GpuTopology::build(4, Interconnect::nvlink);
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) EXPECT_EQ(t.link(a, b), LinkKind::nvlink);
  EXPECT_EQ(t.nvlinked_subset(0x0F, 4), 0x0Fu);
}

TEST(GpuTopology, PcieHasNoNvlinkedPairs) {
  auto t = GpuTopology::build(8, Interconnect::pcie);
  EXPECT_EQ(t.link(0, 1), LinkKind::pcie);
  EXPECT_EQ(t.nvlinked_subset(0xFF, 2), 0u);
  EXPECT_FALSE(t.fully_nvlinked(0x03));
}

InstanceType p3_16xlarge() {
  InstanceType t;
  t.name = "p3.16xlarge";
  t.gpu_model = "V100";
  t.gpus = 8;
  t.gpu_memory_gib = 16;
  t.vcpu = 64;
  t.memory_gib = 488;
  t.interconnect = Interconnect::nvlink;
  t.reserve_system = false;
  return t;
}

PodSpec pod(int gpus) {
  PodSpec p;
  p.gpus = gpus;
  p.cpu_milli = 1000;
  p.memory_mib = 1024;
  return p;
}

TEST(GpuTopology, ClusterBindPrefersNvlinkedSet) {
  auto type = p3_16xlarge();
  Cluster c;
  auto id = c.add_node(c.add_pool({"p3", &type, 1, 0}), 0);
  EXPECT_EQ(c.node(id).topology->gpus(), 8);
  // One GPU: the lowest free.
  EXPECT_EQ(c.bind(id, {1, 0}, pod(1), 0, 0), 0x01u);
  // Four GPUs: the lowest four free would be {1,2,3,4} (1-4 only over PCIe);
  // the NVLinked choice is the second quad.
  EXPECT_EQ(c.bind(id, {2, 0}, pod(4), 0, 0), 0xF0u);
  EXPECT_EQ(c.node(id).free_gpu_mask, 0x0Eu);
  // Three GPUs: {1,2,3}, all in the first quad.
  EXPECT_EQ(c.bind(id, {3, 0}, pod(3), 0, 0), 0x0Eu);
  EXPECT_EQ(c.node(id).free_gpu_mask, 0u);
  // Freeing returns exactly the GPUs taken.
  c.unbind(id, {2, 0}, 0);
  EXPECT_EQ(c.node(id).free_gpu_mask, 0xF0u);
}

TEST(GpuTopology, ClusterBindFallsBackToLowestFree) {
  auto type = p3_16xlarge();
  Cluster c;
  auto id = c.add_node(c.add_pool({"p3", &type, 1, 0}), 0);
  // Eight 1-GPU pods: job k holds GPU k.
  for (std::uint32_t k = 0; k < 8; ++k) ASSERT_EQ(c.bind(id, {k, 0}, pod(1), 0, 0), 1u << k);
  // Free GPUs 0 and 5: joined only by PCIe.
  c.unbind(id, {0, 0}, 0);
  c.unbind(id, {5, 0}, 0);
  ASSERT_EQ(c.node(id).free_gpu_mask, 0x21u);
  // No NVLinked pair exists, so the pod still gets the two free GPUs.
  EXPECT_EQ(c.bind(id, {8, 0}, pod(2), 0, 0), 0x21u);
  EXPECT_EQ(c.node(id).free_gpu_mask, 0u);
  EXPECT_EQ(c.node(id).free().gpus, 0);
}

}  // namespace
}  // namespace fleetsim::models
