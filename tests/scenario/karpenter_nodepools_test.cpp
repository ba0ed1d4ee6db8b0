// Karpenter NodePools expand into one pool per (NodePool, instance type,
// capacity type) that meets the requirements.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

const char* kWorkload =
    "workload:\n  - name: w\n    synthetic:\n      count: 1\n      arrivals: {rate: 1/h}\n"
    "      duration: {distribution: exponential, mean: 1h}\n"
    "      shapes: [{weight: 1, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 1000, memory_mib_per_pod: 1024}]\n";

Scenario parse(const std::string& karpenter) {
  return parse_scenario("name: k\nkarpenter:\n" + karpenter + kWorkload, "k.yaml", "");
}

TEST(KarpenterNodePools, ExpandIntoOfferings) {
  Scenario s = parse(
      "  nodepools:\n"
      "    - name: gpu\n      weight: 10\n"
      "      requirements: {instance_type: [g5.xlarge, p4d.24xlarge], capacity_type: [spot, on-demand]}\n"
      "      limits: {gpus: 64}\n"
      "      spot: {discount: 0.6, interruption: 5-10%}\n");
  ASSERT_EQ(s.pools.size(), 4u);  // 2 types x 2 capacity types
  const auto* od = s.catalog.find("p4d.24xlarge");
  for (const auto& p : s.pools) {
    EXPECT_EQ(p.nodepool, "gpu");
    EXPECT_EQ(p.weight, 10);
    EXPECT_EQ(p.nodepool_gpu_limit, 64);
    EXPECT_EQ(p.count, 0);
    if (p.name == "gpu/p4d.24xlarge/spot") {
      EXPECT_EQ(p.capacity_type, models::CapacityType::spot);
      EXPECT_NEAR(p.usd_per_hour, od->ondemand_usd_per_hour * 0.4, 1e-12);
      EXPECT_DOUBLE_EQ(p.spot->monthly_interruption_probability, 0.075);
    }
    if (p.name == "gpu/p4d.24xlarge/on-demand") {
      EXPECT_DOUBLE_EQ(p.usd_per_hour, od->ondemand_usd_per_hour);
    }
  }
}

TEST(KarpenterNodePools, ZonesAreSeparateOfferings) {
  Scenario s = parse(
      "  nodepools:\n"
      "    - name: gpu\n"
      "      requirements: {instance_type: g5.xlarge, capacity_type: spot, zone: [us-east-1a, us-east-1b]}\n"
      "      spot: {discount: 0.6, interruption: 5-10%}\n");
  ASSERT_EQ(s.pools.size(), 2u);
  EXPECT_EQ(s.pools[0].name, "gpu/g5.xlarge/spot/us-east-1a");
  EXPECT_EQ(s.pools[1].name, "gpu/g5.xlarge/spot/us-east-1b");
  EXPECT_TRUE(s.pools[0].spot && s.pools[1].spot);  // each zone its own spot market
}

TEST(KarpenterNodePools, DefaultCapacityTypeIsOnDemand) {
  Scenario s = parse("  nodepools:\n    - name: a\n      requirements: {instance_family: p4d}\n");
  ASSERT_FALSE(s.pools.empty());
  for (const auto& p : s.pools) EXPECT_EQ(p.capacity_type, models::CapacityType::on_demand);
}

TEST(KarpenterNodePools, ErrorsNameTheField) {
  try {
    parse("  nodepools:\n    - name: a\n      requirements: {instance_type: p4d.24xlarg}\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "k.yaml:5: karpenter.nodepools[0].requirements.instance_type: expected instance types of the catalog "
              "(did you mean 'p4d.24xlarge'?), got 'p4d.24xlarg'");
  }
  try {
    parse("  nodepools:\n    - name: a\n      requirements: {capacity_type: spot}\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "k.yaml:4: karpenter.nodepools[0].spot: missing required key: capacity_type allows spot, so a spot "
              "block (discount, interruption) is needed");
  }
}

}  // namespace
}  // namespace fleetsim::scenario
