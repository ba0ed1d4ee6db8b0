// The rate a job's attempt runs at for where its GPUs landed, by hand.
#include "models/topology_slowdown.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "models/cluster.hpp"
#include "models/gpu_topology.hpp"

namespace fleetsim::models {
namespace {

const TopologySensitivity kSens{0.3, 0.6};  // PCIe split: 30% longer; across nodes: 60% longer

class TopologySlowdown : public ::testing::Test {
 protected:
  GpuTopology dgx1 = GpuTopology::build(8, Interconnect::nvlink);  // p3.16xlarge
  GpuTopology nvswitch = GpuTopology::build(8, Interconnect::nvswitch);
  GpuTopology pcie = GpuTopology::build(4, Interconnect::pcie);
  double rate(const std::vector<PodGpus>& pods, const TopologySensitivity& s = kSens) { return topology_rate(s, pods); }
};

TEST_F(TopologySlowdown, NvlinkedSetRunsAtFullRate) {
  EXPECT_EQ(rate({{0, 0b0000'1111u, &dgx1}}), 1.0);  // a quad
  EXPECT_EQ(rate({{0, 0b0001'0001u, &dgx1}}), 1.0);  // GPU 0 and its cross link 4
  EXPECT_EQ(rate({{0, 0b1010'1001u, &nvswitch}}), 1.0);
  EXPECT_EQ(rate({{0, 0b0000'0001u, &pcie}}), 1.0);  // one GPU: nothing to split
  // Several pods on one node, each NVLinked within itself.
  EXPECT_EQ(rate({{3, 0b0000'0011u, &dgx1}, {3, 0b1100'0000u, &dgx1}}), 1.0);
}

TEST_F(TopologySlowdown, PcieSplitSetPaysThePcieSlowdown) {
  EXPECT_DOUBLE_EQ(rate({{0, 0b0101'0011u, &dgx1}}), 1 / 1.3);  // {0,1,4,6}: 0-6 only over PCIe
  EXPECT_DOUBLE_EQ(rate({{0, 0b0010'0001u, &dgx1}}), 1 / 1.3);  // {0,5}
  EXPECT_DOUBLE_EQ(rate({{0, 0b0000'0011u, &pcie}}), 1 / 1.3);
  EXPECT_DOUBLE_EQ(rate({{0, 0b0000'0011u, &dgx1}, {0, 0b0010'0100u, &dgx1}}), 1 / 1.3);  // second pod {2,5}
}

TEST_F(TopologySlowdown, TwoNodesPayTheCrossNodeSlowdown) {
  EXPECT_DOUBLE_EQ(rate({{0, 0b0000'1111u, &dgx1}, {1, 0b0000'1111u, &dgx1}}), 1 / 1.6);
  EXPECT_DOUBLE_EQ(rate({{0, 0b0000'0001u, &dgx1}, {1, 0b0000'0001u, &dgx1}}), 1 / 1.6);
  // Across nodes wins over a PCIe split.
  EXPECT_DOUBLE_EQ(rate({{0, 0b0101'0011u, &dgx1}, {1, 0b0000'0001u, &dgx1}}), 1 / 1.6);
}

TEST_F(TopologySlowdown, PodsWithoutGpusAndInsensitiveJobsAreIgnored) {
  EXPECT_EQ(rate({{0, 0b0000'1111u, &dgx1}, {7, 0u, nullptr}}), 1.0);  // a CPU-only pod elsewhere
  EXPECT_EQ(rate({}), 1.0);
  EXPECT_EQ(rate({{0, 0b0101'0011u, &dgx1}, {1, 1u, &dgx1}}, TopologySensitivity{}), 1.0);
  EXPECT_DOUBLE_EQ(rate({{0, 0b0101'0011u, &dgx1}}, TopologySensitivity{0, 0.6}), 1.0);
}

TEST_F(TopologySlowdown, ReadsTheMasksTheClusterBound) {
  InstanceType t;
  t.name = "p3.16xlarge";
  t.gpu_model = "V100";
  t.gpus = 8;
  t.vcpu = 64;
  t.memory_gib = 488;
  t.interconnect = Interconnect::nvlink;
  t.reserve_system = false;
  Cluster c;
  const PoolId pool = c.add_pool({"p3", &t, 2, 0});
  c.add_node(pool, 0);
  c.add_node(pool, 0);
  PodSpec five;
  five.gpus = 5;  // no five V100s of a DGX-1 are all NVLinked
  PodSpec two;
  two.gpus = 2;
  c.bind(0, {1, 0}, five, 0, 0);
  c.bind(0, {2, 0}, two, 0, 0);  // {5,6}: linked
  c.bind(1, {2, 1}, two, 0, 0);
  EXPECT_DOUBLE_EQ(topology_rate(kSens, c, 1, {0}), 1 / 1.3);
  EXPECT_DOUBLE_EQ(topology_rate(kSens, c, 2, {0, 1}), 1 / 1.6);
  EXPECT_EQ(topology_rate(kSens, c, 2, {0}), 1.0);  // its first pod only
}

}  // namespace
}  // namespace fleetsim::models
