// GPU sharing arithmetic (models/gpu_sharing.hpp) and the shared GPUs of a
// node (models/cluster_sharing.cpp): which pods fit where, which GPU each gets,
// what each is charged, when memory runs out. Figures by hand.
#include <gtest/gtest.h>

#include "models/cluster.hpp"
#include "models/gpu_sharing.hpp"

namespace fleetsim::models {
namespace {

GpuSharing time_slicing(int replicas, double overhead) {
  GpuSharing s;
  s.mode = SharingMode::time_slicing;
  s.replicas = replicas;
  s.context_switch_overhead = overhead;
  return s;
}

TEST(TenantCompute, BusyTenantsSplitWhatContextSwitchesLeave) {
  const std::vector<double> d{1.0, 1.0};
  const auto got = tenant_compute(time_slicing(4, 0.1), d);
  EXPECT_DOUBLE_EQ(got[0], 0.45);
  EXPECT_DOUBLE_EQ(got[1], 0.45);
  EXPECT_DOUBLE_EQ(progress_rate(got[0], 1.0), 0.45);
}

TEST(TenantCompute, LightTenantKeepsItsDemandTheRestGoesToTheBusyOne) {
  // 0.9 left; fair share 0.45 each; the 0.2 tenant needs less, the other gets 0.7.
  const std::vector<double> d{1.0, 0.2};
  const auto got = tenant_compute(time_slicing(4, 0.1), d);
  EXPECT_DOUBLE_EQ(got[1], 0.2);
  EXPECT_NEAR(got[0], 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(progress_rate(got[1], 0.2), 1.0);
}

TEST(TenantCompute, ASingleTenantPaysNoContextSwitch) {
  const std::vector<double> d{1.0};
  EXPECT_DOUBLE_EQ(tenant_compute(time_slicing(4, 0.1), d)[0], 1.0);
}

TEST(TenantCompute, MpsCapsEveryClientAtItsShareOfTheSms) {
  GpuSharing s;
  s.mode = SharingMode::mps;
  s.replicas = 4;
  const std::vector<double> d{1.0, 0.1};
  const auto got = tenant_compute(s, d);
  EXPECT_DOUBLE_EQ(got[0], 0.25);
  EXPECT_DOUBLE_EQ(got[1], 0.1);
}

TEST(CrashBackoff, DoublesFromTenSecondsUpToFiveMinutes) {
  const std::int64_t s = sim::kSecond;
  EXPECT_EQ(crash_backoff_us(1), 10 * s);
  EXPECT_EQ(crash_backoff_us(2), 20 * s);
  EXPECT_EQ(crash_backoff_us(5), 160 * s);
  EXPECT_EQ(crash_backoff_us(6), 300 * s);
  EXPECT_EQ(crash_backoff_us(40), 300 * s);
}

InstanceType a10g_x4() {
  InstanceType t;
  t.name = "g5.12xlarge";
  t.gpu_model = "A10G";
  t.gpus = 4;
  t.gpu_memory_gib = 24;
  t.vcpu = 48;
  t.memory_gib = 192;
  t.interconnect = Interconnect::pcie;
  return t;
}

PodSpec pod(std::int32_t gpus, std::int32_t milli = 0, std::int64_t gpu_mem = 0) {
  PodSpec p;
  p.cpu_milli = 1000;
  p.memory_mib = 1024;
  p.gpus = gpus;
  p.gpu_milli = milli;
  p.gpu_memory_mib = gpu_mem;
  return p;
}

TEST(SharedCluster, TimeSlicingSpreadsReplicasOverGpusAndCountsBusyGpus) {
  const InstanceType t = a10g_x4();
  Cluster c;
  NodePool pool;
  pool.name = "ts";
  pool.type = &t;
  pool.sharing = time_slicing(2, 0.05);
  const NodeId id = c.add_node(c.add_pool(pool), 0);
  // The device plugin spreads replicas: the first four pods get GPUs 0-3.
  for (std::uint32_t j = 0; j < 4; ++j) EXPECT_EQ(c.bind(id, {j, 0}, pod(1), 0, 0), 1u << j);
  EXPECT_EQ(c.node(id).requested.gpus, 4);
  EXPECT_EQ(c.gpus_allocated(), 4);
  EXPECT_DOUBLE_EQ(c.gpu_share(c.node(id), pod(1)), 0.5);
  for (std::uint32_t j = 4; j < 8; ++j) c.bind(id, {j, 0}, pod(1), 0, 0);
  EXPECT_FALSE(c.fits(c.node(id), pod(1)));  // 4 GPUs x 2 replicas taken
  c.unbind(id, {0, 0}, 0);
  EXPECT_TRUE(c.fits(c.node(id), pod(1)));
  EXPECT_EQ(c.node(id).requested.gpus, 4);  // GPU 0 still has pod 4
  EXPECT_FALSE(c.fits(c.node(id), pod(2)));  // one replica free, on one GPU
}

TEST(SharedCluster, NoMemoryIsolationUntilMemoryRunsOut) {
  InstanceType t = a10g_x4();
  t.gpus = 1;  // one 24 GiB A10G
  Cluster c;
  NodePool pool;
  pool.name = "ts";
  pool.type = &t;
  pool.sharing = time_slicing(3, 0.0);
  const NodeId id = c.add_node(c.add_pool(pool), 0);
  const PodSpec big = pod(1, 0, 16000);
  c.bind(id, {1, 0}, big, 0, 0, 0.3);
  c.bind(id, {2, 0}, big, 0, 0, 0.3);
  c.bind(id, {3, 0}, pod(1), 0, 0, 0.3);
  EXPECT_TRUE(c.start_pod(id, {1, 0}, big));
  EXPECT_FALSE(c.start_pod(id, {2, 0}, big));  // 16,000 + 16,000 MiB > 24 GiB
  EXPECT_TRUE(c.start_pod(id, {3, 0}, pod(1)));  // no memory stated: never the one to cross
  EXPECT_DOUBLE_EQ(c.sharing_rate(id, {1, 0}), 1.0);  // 0.3 + 0.3 of the GPU
  EXPECT_DOUBLE_EQ(c.sharing_rate(id, {2, 0}), 0.0);  // not running
  EXPECT_EQ(c.gpu_neighbours(id, {1, 0}).size(), 2u);
  c.stop_pod(id, {1, 0});
  EXPECT_TRUE(c.start_pod(id, {2, 0}, big));
}

TEST(SharedCluster, FractionalTakesTheTightestGpuThatFits) {
  const InstanceType t = a10g_x4();
  Cluster c;
  NodePool pool;
  pool.name = "f";
  pool.type = &t;
  pool.sharing.mode = SharingMode::fractional;
  const NodeId id = c.add_node(c.add_pool(pool), 0);
  EXPECT_EQ(c.bind(id, {0, 0}, pod(0, 500), 0, 0), 1u);       // GPU 0: 500 used
  EXPECT_EQ(c.bind(id, {1, 0}, pod(0, 300), 0, 0), 1u);       // tightest that fits: GPU 0 (800)
  EXPECT_EQ(c.bind(id, {2, 0}, pod(0, 300), 0, 0), 2u);       // GPU 0 has 200 left: GPU 1
  EXPECT_EQ(c.bind(id, {3, 0}, pod(2), 0, 0), 0b1100u);       // whole GPUs: the free ones
  EXPECT_DOUBLE_EQ(c.gpu_share(c.node(id), pod(0, 300)), 0.3);
  EXPECT_FALSE(c.fits(c.node(id), pod(1)));                   // no whole GPU left
  EXPECT_TRUE(c.fits(c.node(id), pod(0, 700)));               // GPU 1 has 700
  EXPECT_FALSE(c.fits(c.node(id), pod(0, 701)));
}

InstanceType a100_x8() {
  InstanceType t = a10g_x4();
  t.name = "p4d.24xlarge";
  t.gpu_model = "A100";
  t.gpus = 8;
  t.gpu_memory_gib = 40;
  t.vcpu = 96;
  t.memory_gib = 1152;
  return t;
}

// One node of `t` whose GPUs all have `layout` under `strategy`.
NodeId add_mig_node(Cluster& c, const InstanceType& t, const std::string& strategy,
                    const std::vector<std::string>& layout) {
  NodePool pool;
  pool.name = "mig";
  pool.type = &t;
  pool.sharing.mode = SharingMode::mig;
  pool.sharing.mig = parse_mig_spec(strategy, layout, t);
  return c.add_node(c.add_pool(pool), 0);
}

TEST(SharedCluster, MigMixedAdvertisesProfilesNotWholeGpus) {
  const InstanceType t = a100_x8();
  Cluster c;
  const NodeId id = add_mig_node(c, t, "mixed", {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"});
  EXPECT_EQ(c.node(id).mig.size(), 32u);
  PodSpec small = pod(0);
  small.mig_profile = "1g.5gb";
  PodSpec big = pod(0);
  big.mig_profile = "3g.20gb";
  EXPECT_FALSE(c.fits(c.node(id), pod(1)));  // nvidia.com/gpu is not advertised under mixed
  PodSpec absent = pod(0);
  absent.mig_profile = "7g.40gb";
  EXPECT_FALSE(c.fits(c.node(id), absent));
  // 3g of a 3g+2g+1g+1g layout is 3/7 of the GPU's cost.
  EXPECT_DOUBLE_EQ(c.gpu_share(c.node(id), big), 3.0 / 7);
  EXPECT_DOUBLE_EQ(c.gpu_share(c.node(id), small), 1.0 / 7);
  EXPECT_EQ(c.bind(id, {0, 0}, small, 0, 0), 1u);
  EXPECT_EQ(c.bind(id, {1, 0}, small, 0, 0), 1u);  // GPU 0's second 1g.5gb
  EXPECT_EQ(c.bind(id, {2, 0}, small, 0, 0), 2u);  // then GPU 1
  EXPECT_EQ(c.node(id).requested.gpus, 2);
  EXPECT_EQ(c.node(id).free_gpu_mask, 0xFCu);
}

}  // namespace
}  // namespace fleetsim::models

namespace fleetsim::models {
namespace {

// SEMANTICS.md G4.4: time-slicing replicas=4 on a node with 2 GPUs offers 8;
// three busy pods on one GPU each get about a third of it.
TEST(SharingGold, G4_4_TimeSlicingReplicasAndEqualShares) {
  InstanceType t = a10g_x4();
  t.gpus = 2;
  Cluster c;
  NodePool pool;
  pool.name = "ts";
  pool.type = &t;
  pool.sharing = time_slicing(4, 0.0);
  const NodeId id = c.add_node(c.add_pool(pool), 0);
  for (std::uint32_t j = 0; j < 8; ++j) {
    ASSERT_TRUE(c.fits(c.node(id), pod(1)));
    c.bind(id, {j, 0}, pod(1), 0, 0);
  }
  EXPECT_FALSE(c.fits(c.node(id), pod(1)));
  // Pods 0, 2, 4, 6 are on GPU 0 (replicas spread); start three of them.
  for (std::uint32_t j : {0u, 2u, 4u}) ASSERT_TRUE(c.start_pod(id, {j, 0}, pod(1)));
  for (std::uint32_t j : {0u, 2u, 4u}) EXPECT_DOUBLE_EQ(c.sharing_rate(id, {j, 0}), 1.0 / 3);
}

// SEMANTICS.md G4.5: single strategy, 8 x A100-40GB all 1g.5gb: 56 pods asking
// for nvidia.com/gpu: 1 fit, the 57th does not.
TEST(SharingGold, G4_5_SingleStrategyAdvertises56) {
  const InstanceType t = a100_x8();
  Cluster c;
  const NodeId id = add_mig_node(c, t, "single", std::vector<std::string>(7, "1g.5gb"));
  for (std::uint32_t j = 0; j < 56; ++j) {
    PodSpec p = pod(1);
    p.cpu_milli = 100;
    ASSERT_TRUE(c.fits(c.node(id), p)) << j;
    c.bind(id, {j, 0}, p, 0, 0);
  }
  EXPECT_FALSE(c.fits(c.node(id), pod(1)));
  EXPECT_EQ(c.gpus_allocated(), 8);
}

TEST(SharingGold, MpsRejectsMoreThanOneReplicaPerPod) {
  InstanceType t = a10g_x4();
  Cluster c;
  NodePool pool;
  pool.name = "mps";
  pool.type = &t;
  pool.sharing.mode = SharingMode::mps;
  pool.sharing.replicas = 4;
  const NodeId id = c.add_node(c.add_pool(pool), 0);
  EXPECT_TRUE(c.fits(c.node(id), pod(1)));
  EXPECT_FALSE(c.fits(c.node(id), pod(2)));
}

}  // namespace
}  // namespace fleetsim::models
