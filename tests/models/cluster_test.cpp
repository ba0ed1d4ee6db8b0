#include "models/cluster.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <stdexcept>
#include <vector>

namespace fleetsim::models {
namespace {

InstanceType type(int vcpu, double mem_gib, int gpus, bool reserve = true) {
  InstanceType t;
  t.name = "test-type";
  t.vcpu = vcpu;
  t.memory_gib = mem_gib;
  t.gpus = gpus;
  t.gpu_model = gpus > 0 ? "A100" : "";
  t.gpu_memory_gib = gpus > 0 ? 40 : 0;
  t.interconnect = Interconnect::nvswitch;
  t.reserve_system = reserve;
  return t;
}

// EKS AMI formula (awslabs/amazon-eks-ami), p4d.24xlarge shape: 96 vCPU, 1152 GiB, 8 GPU.
//   CPU reserved (millicores): 6% of core 1 = 60, 1% of core 2 = 10, 0.5% of cores 3-4 = 2 x 5 = 10,
//     0.25% of the other 92 cores = 92 x 2.5 = 230 -> 310m. Allocatable 96000 - 310 = 95690m.
//   Memory (MiB): 1152 x 1024 = 1,179,648; kube-reserved 11 x max_pods + 255; eviction 100.
//     max_pods 110: 1,179,648 - 1,465 - 100 = 1,178,083.
//     max_pods 737 (EKS ENI limit for p4d.24xlarge): 1,179,648 - 8,362 - 100 = 1,171,186.
TEST(Allocatable, EksFormulaOn96VcpuNode) {
  const auto t = type(96, 1152, 8);
  EXPECT_EQ(allocatable_for(t), (Resources{95'690, 1'178'083, 8}));
  EXPECT_EQ(allocatable_for(t, 110), (Resources{95'690, 1'178'083, 8}));
  EXPECT_EQ(allocatable_for(t, 737), (Resources{95'690, 1'171'186, 8}));
}

TEST(Allocatable, CpuBandsAndRounding) {
  EXPECT_EQ(allocatable_for(type(1, 4, 0)).cpu_milli, 1000 - 60);
  EXPECT_EQ(allocatable_for(type(2, 4, 0)).cpu_milli, 2000 - 70);
  EXPECT_EQ(allocatable_for(type(4, 16, 0)).cpu_milli, 4000 - 80);
  EXPECT_EQ(allocatable_for(type(8, 32, 0)).cpu_milli, 8000 - 90);  // ~7.9 CPUs (SEMANTICS 1.2)
  // 5 cores: 80 + 2.5 = 82.5, rounded up to 83.
  EXPECT_EQ(allocatable_for(type(5, 16, 0)).cpu_milli, 5000 - 83);
  // 8 GiB, 110 pods: 8192 - 1465 - 100.
  EXPECT_EQ(allocatable_for(type(2, 8, 0)).memory_mib, 6627);
}

TEST(Allocatable, NoReservationForTraceNodes) {
  EXPECT_EQ(allocatable_for(type(96, 1152, 8, false)), (Resources{96'000, 1'179'648, 8}));
}

TEST(Cluster, AddNodeUsesAllocatableAndNames) {
  auto t = type(96, 1152, 8);
  Cluster c;
  auto p = c.add_pool({"p4d", &t, 2, 32.77});
  auto a = c.add_node(p, 5 * sim::kSecond, 737);
  auto b = c.add_node(p, 0);
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(c.node(a).name, "p4d-0");
  EXPECT_EQ(c.node(b).name, "p4d-1");
  EXPECT_EQ(c.node(a).allocatable, allocatable_for(t, 737));
  EXPECT_EQ(c.node(b).allocatable, allocatable_for(t, 110));
  EXPECT_EQ(c.node(a).max_pods, 737);
  EXPECT_EQ(c.node(a).launched, 5 * sim::kSecond);
  EXPECT_EQ(c.node(a).free_gpu_mask, 0xFFu);
  EXPECT_DOUBLE_EQ(c.node(a).usd_per_hour, 32.77);
  EXPECT_EQ(c.gpus_total(), 16);
  EXPECT_EQ(c.max_gpus_per_node(), 8);
  EXPECT_EQ(c.max_free_gpus(), 8);
  EXPECT_EQ(c.node(a).topology, c.node(b).topology);  // shared per type
}

TEST(Cluster, FitsRespectsMaxPods) {
  auto t = type(8, 32, 0, false);
  Cluster c;
  auto id = c.add_node(c.add_pool({"small", &t, 1, 0}), 0, 3);
  PodSpec tiny;
  tiny.cpu_milli = 1;
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.fits(c.node(id), tiny)) << i;
    c.bind(id, {i, 0}, tiny, 0, 0);
  }
  EXPECT_FALSE(c.fits(c.node(id), tiny));  // 3 pods == max_pods 3
  EXPECT_TRUE(c.node(id).free().covers(tiny.request()));  // resources alone would fit
  try {
    c.bind(id, {9, 0}, tiny, 0, 0);
    FAIL() << "bind past max_pods must throw";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "bind: pod does not fit on small-0");
  }
  c.unbind(id, {1, 0}, 0);
  EXPECT_TRUE(c.fits(c.node(id), tiny));
}

TEST(Cluster, FitsChecksEveryResource) {
  auto t = type(8, 32, 2, false);  // 8000m, 32768 MiB, 2 GPUs
  Cluster c;
  auto id = c.add_node(c.add_pool({"g", &t, 1, 0}), 0);
  const Node& n = c.node(id);
  PodSpec p;
  p.cpu_milli = 8000;
  p.memory_mib = 32768;
  p.gpus = 2;
  EXPECT_TRUE(c.fits(n, p));  // exactly allocatable
  p.cpu_milli = 8001;
  EXPECT_FALSE(c.fits(n, p));
  p.cpu_milli = 8000;
  p.memory_mib = 32769;
  EXPECT_FALSE(c.fits(n, p));
  p.memory_mib = 32768;
  p.gpus = 3;
  EXPECT_FALSE(c.fits(n, p));
  // GPU model and per-GPU memory constraints.
  p.gpus = 1;
  p.gpu_model = "H100|A100";
  EXPECT_TRUE(c.fits(n, p));
  p.gpu_model = "H100";
  EXPECT_FALSE(c.fits(n, p));
  p.gpu_model = "";
  p.gpu_memory_mib = 40 * 1024;
  EXPECT_TRUE(c.fits(n, p));
  p.gpu_memory_mib = 40 * 1024 + 1;
  EXPECT_FALSE(c.fits(n, p));
  // A GPU pod on a CPU-only node: Insufficient nvidia.com/gpu.
  auto cpu = type(8, 32, 0, false);
  auto cid = c.add_node(c.add_pool({"cpu", &cpu, 1, 0}), 0);
  PodSpec g1;
  g1.gpus = 1;
  EXPECT_FALSE(c.fits(c.node(cid), g1));
  PodSpec half;
  half.gpu_milli = 500;
  EXPECT_FALSE(c.fits(c.node(cid), half));
}

// Recomputes what the cluster's incremental counters claim.
void check_consistent(const Cluster& c) {
  std::int64_t allocated = 0;
  int max_free = 0;
  for (const auto& n : c.nodes()) {
    Resources sum;
    for (const auto& b : n.pods) {
      sum += b.request;
      ASSERT_EQ(std::popcount(b.gpu_mask), b.request.gpus);
      ASSERT_EQ(b.gpu_mask & n.free_gpu_mask, 0u);
    }
    ASSERT_EQ(n.requested, sum);
    ASSERT_EQ(std::popcount(n.free_gpu_mask), n.free().gpus);
    allocated += n.requested.gpus;
    max_free = std::max(max_free, n.free().gpus);
  }
  ASSERT_EQ(c.gpus_allocated(), allocated);
  ASSERT_EQ(c.max_free_gpus(), max_free);
}

TEST(Cluster, BindUnbindKeepCountersConsistent) {
  auto t8 = type(96, 1152, 8, false);
  auto t4 = type(48, 384, 4, false);
  Cluster c;
  auto p8 = c.add_pool({"p8", &t8, 3, 0});
  auto p4 = c.add_pool({"p4", &t4, 2, 0});
  for (int i = 0; i < 3; ++i) c.add_node(p8, 0);
  for (int i = 0; i < 2; ++i) c.add_node(p4, 0);
  EXPECT_EQ(c.gpus_total(), 32);
  EXPECT_EQ(c.max_free_gpus(), 8);

  // Hand-checked steps first.
  PodSpec p;
  p.gpus = 8;
  c.bind(0, {1, 0}, p, 0, 0);
  c.bind(1, {2, 0}, p, 0, 0);
  c.bind(2, {3, 0}, p, 0, 0);
  EXPECT_EQ(c.gpus_allocated(), 24);
  EXPECT_EQ(c.max_free_gpus(), 4);  // only the 4-GPU nodes have room
  p.gpus = 3;
  c.bind(3, {4, 0}, p, 0, 0);
  c.bind(4, {5, 0}, p, 0, 0);
  EXPECT_EQ(c.max_free_gpus(), 1);
  c.unbind(1, {2, 0}, 0);
  EXPECT_EQ(c.max_free_gpus(), 8);
  EXPECT_EQ(c.gpus_allocated(), 22);
  check_consistent(c);

  // Then a random walk.
  std::mt19937 gen(3);
  std::vector<std::pair<NodeId, PodRef>> bound = {{0, {1, 0}}, {2, {3, 0}}, {3, {4, 0}}, {4, {5, 0}}};
  JobId next = 100;
  for (int step = 0; step < 5000; ++step) {
    if (gen() % 2 == 0 || bound.empty()) {
      PodSpec q;
      q.gpus = static_cast<std::int32_t>(gen() % 5);
      q.cpu_milli = 100;
      const NodeId n = static_cast<NodeId>(gen() % c.nodes().size());
      if (!c.fits(c.node(n), q)) {
        EXPECT_TRUE(q.gpus > c.node(n).free().gpus ||
                    static_cast<int>(c.node(n).pods.size()) >= c.node(n).max_pods);
        continue;
      }
      c.bind(n, {next, 0}, q, 0, 0);
      bound.push_back({n, {next++, 0}});
    } else {
      const std::size_t i = gen() % bound.size();
      c.unbind(bound[i].first, bound[i].second, 0);
      bound[i] = bound.back();
      bound.pop_back();
    }
    check_consistent(c);
    if (HasFatalFailure()) return;
  }
  for (const auto& [n, ref] : bound) c.unbind(n, ref, 0);
  EXPECT_EQ(c.gpus_allocated(), 0);
  EXPECT_EQ(c.max_free_gpus(), 8);
  for (const auto& n : c.nodes()) EXPECT_EQ(n.requested, Resources{});
}

TEST(Cluster, UnbindUnknownPodThrows) {
  auto t = type(8, 32, 1, false);
  Cluster c;
  auto id = c.add_node(c.add_pool({"n", &t, 1, 0}), 0);
  PodSpec p;
  p.gpus = 1;
  c.bind(id, {1, 0}, p, 0, 0);
  try {
    c.unbind(id, {1, 1}, 0);
    FAIL() << "expected throw";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "unbind: pod not on n-0");
  }
  EXPECT_THROW(c.unbind(id, {2, 0}, 0), std::logic_error);
  c.unbind(id, {1, 0}, 0);
  EXPECT_THROW(c.unbind(id, {1, 0}, 0), std::logic_error);  // already gone
  EXPECT_EQ(c.gpus_allocated(), 0);
  EXPECT_THROW(c.unbind(99, {1, 0}, 0), std::out_of_range);  // no such node
}

}  // namespace
}  // namespace fleetsim::models

namespace fleetsim::models {
namespace {

// What periodic controllers rely on to skip work: the live list, per-pool
// counts, change counters and the time a node's pods last changed.
TEST(Cluster, LiveNodesCountsAndChangeCounters) {
  auto t = type(8, 64, 1, false);
  Cluster c;
  const PoolId p = c.add_pool({"g", &t, 0, 1.0});
  const NodeId a = c.add_node(p, 0);
  const NodeId b = c.add_node(p, 0, 110, NodeState::launching);
  const NodeId d = c.add_node(p, 0);
  EXPECT_EQ(c.live(), (std::vector<NodeId>{a, b, d}));
  EXPECT_EQ(c.pool_size(p), 3);
  EXPECT_EQ(c.pool_up(p), 2);  // the launching node is not up
  const auto nodes_before = c.node_version();
  c.set_state(a, NodeState::draining, 10);
  EXPECT_GT(c.node_version(), nodes_before);
  EXPECT_EQ(c.pool_up(p), 1);  // draining: running, but not up
  c.set_state(a, NodeState::terminated, 20);
  EXPECT_EQ(c.live(), (std::vector<NodeId>{b, d}));
  EXPECT_EQ(c.pool_size(p), 2);

  PodSpec pod;
  pod.gpus = 1;
  pod.cpu_milli = 1000;
  const auto pods_before = c.pod_version();
  const auto unbinds_before = c.unbind_version();
  c.bind(d, {1, 0}, pod, 0, 30);
  EXPECT_EQ(c.node(d).pods_changed, 30);
  EXPECT_GT(c.pod_version(), pods_before);
  EXPECT_EQ(c.unbind_version(), unbinds_before);  // a bind frees nothing
  c.unbind(d, {1, 0}, 45);
  EXPECT_EQ(c.node(d).pods_changed, 45);
  EXPECT_GT(c.unbind_version(), unbinds_before);
  // A bind undone in the same instant (a gang that did not fit) leaves no trace.
  c.bind(d, {2, 0}, pod, 0, 60);
  c.unassume(d, {2, 0});
  EXPECT_EQ(c.node(d).pods_changed, 45);
  EXPECT_TRUE(c.node(d).pods.empty());
}

}  // namespace
}  // namespace fleetsim::models
