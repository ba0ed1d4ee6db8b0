// Each GPU-sharing policy's node and GPU choice on a small cluster, against
// scores computed by hand from the artifact's formulas (see each policy file).
#include <gtest/gtest.h>

#include <map>

#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

using models::ShareCluster;
using models::ShareNode;
using models::SharePod;

SharePod pod(std::int64_t cpu, std::int32_t gpus, std::int32_t milli) {
  SharePod p;
  p.name.append("pod");
  p.cpu_milli = cpu;
  p.memory_mib = 1024;
  p.num_gpus = gpus;
  p.gpu_milli = milli;
  return p;
}

// node-a: T4, 32 CPUs free, 2 GPUs free {1000, 1000}, no pods.
// node-b: T4, 20 of 32 CPUs free, 4 GPUs free {1000, 400, 1000, 700}, two sharing pods.
// node-c: V100M16, 88 of 96 CPUs free, 8 GPUs free {0, 1000 x 7}, one 1-GPU pod.
// Listed out of name order so that ties must look at names, not indices.
ShareCluster cluster() {
  ShareNode a("node-a", "T4", 32000, 131072, 2);
  ShareNode b("node-b", "T4", 32000, 131072, 4);
  b.cpu_left = 20000;
  b.gpu_free = {1000, 400, 1000, 700};
  b.affinity = {{models::kShareGpuTag, 2}};
  ShareNode c("node-c", "V100M16", 96000, 393216, 8);
  c.cpu_left = 88000;
  c.gpu_free = {0, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
  c.affinity = {{1, 1}};
  return ShareCluster({c, b, a});
}
constexpr int kC = 0, kB = 1, kA = 2;

ShareChoice choose(const std::string& policy, const SharePod& p, const ShareCluster& cl,
                   std::span<const models::TypicalPod> typical = {}) {
  sim::Rng rng(1);
  auto pol = SharingRegistry::instance().find(policy)->make(Params{});
  return pol->choose(p, ShareContext{cl, typical, rng});
}

TEST(SharingPolicies, AllSixAreRegistered) {
  for (const char* name : {"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit", "fgd"})
    EXPECT_NE(SharingRegistry::instance().find(name), nullptr) << name;
}

TEST(SharingPolicies, BestGpuSelection) {
  const auto cl = cluster();
  EXPECT_EQ(best_fit_gpus(cl.node(kB), pod(1000, 1, 300)), (std::vector<int>{1}));  // 400 is the tightest
  EXPECT_EQ(best_fit_gpus(cl.node(kB), pod(1000, 1, 500)), (std::vector<int>{3}));  // 700
  EXPECT_EQ(best_fit_gpus(cl.node(kB), pod(1000, 1, 800)), (std::vector<int>{0}));  // first of the 1000s
  EXPECT_EQ(best_fit_gpus(cl.node(kB), pod(1000, 2, 1000)), (std::vector<int>{0, 2}));
  EXPECT_EQ(best_fit_gpus(cl.node(kC), pod(1000, 1, 1000)), (std::vector<int>{1}));
  EXPECT_TRUE(best_fit_gpus(cl.node(kB), pod(1000, 0, 0)).empty());
}

// dot-product, score = int(100 * (1 - dot/2)) with vectors over (128 CPUs, 8 GPUs):
// sharing pod (4 CPUs, 300m) = (0.03125, 0.0375):
//   a (0.25, 0.25):     dot 0.0171875  -> 99.14 -> 99
//   b (0.15625, 0.3875) dot 0.01941406 -> 99.03 -> 99
//   c (0.6875, 0.875)   dot 0.05429688 -> 97.29 -> 97
// a and b tie; node-a has the smaller name. GPU: tightest on a = 0.
// 2-GPU pod (16 CPUs, 2000m) = (0.125, 0.25): a 0.09375 -> 95; b 0.11640625 -> 94;
// c 0.30468750 -> 84: node-a, GPUs {0, 1}.
TEST(SharingPolicies, DotProduct) {
  const auto cl = cluster();
  auto c = choose("dot-product", pod(4000, 1, 300), cl);
  EXPECT_EQ(c.node, kA);
  EXPECT_EQ(c.gpus, (std::vector<int>{0}));
  c = choose("dot-product", pod(16000, 2, 1000), cl);
  EXPECT_EQ(c.node, kA);
  EXPECT_EQ(c.gpus, (std::vector<int>{0, 1}));
  // Only node-c has 3 fully free GPUs.
  c = choose("dot-product", pod(4000, 3, 1000), cl);
  EXPECT_EQ(c.node, kC);
  EXPECT_EQ(c.gpus, (std::vector<int>{1, 2, 3}));
}

// gpu-clustering, bonus = 25 * (8000 - free GPU milli) / 8000:
// sharing pod: a no GPU pods 25 + 18 = 43; b only sharing pods 75 + 15 = 90;
// c only 1-GPU pods 0 + 3 = 3 -> node-b, on its tightest GPU 1.
// 1-GPU pod: a 43; b 0 + 15 = 15; c only 1-GPU pods 75 + 3 = 78 -> node-c, GPU 1.
// CPU-only pod: 0 everywhere -> smallest name, node-a.
TEST(SharingPolicies, GpuClustering) {
  const auto cl = cluster();
  auto c = choose("gpu-clustering", pod(4000, 1, 300), cl);
  EXPECT_EQ(c.node, kB);
  EXPECT_EQ(c.gpus, (std::vector<int>{1}));
  c = choose("gpu-clustering", pod(4000, 1, 1000), cl);
  EXPECT_EQ(c.node, kC);
  EXPECT_EQ(c.gpus, (std::vector<int>{1}));
  c = choose("gpu-clustering", pod(4000, 0, 0), cl);
  EXPECT_EQ(c.node, kA);
  EXPECT_TRUE(c.gpus.empty());
}

// gpu-packing, sharing pod of 300m: a all free: max(33 - 2, 2) = 31; b fits on
// its GPU in use with 400 free: 100 - 40/10 = 96; c must open a free GPU:
// max(50 - 1, 33) = 49 -> node-b, GPU 1.
// 2-GPU pod: a 31; b two fully free GPUs: 48; c 48 -> tie, node-b; GPUs {0, 2}.
TEST(SharingPolicies, GpuPacking) {
  const auto cl = cluster();
  auto c = choose("gpu-packing", pod(4000, 1, 300), cl);
  EXPECT_EQ(c.node, kB);
  EXPECT_EQ(c.gpus, (std::vector<int>{1}));
  c = choose("gpu-packing", pod(4000, 2, 1000), cl);
  EXPECT_EQ(c.node, kB);
  EXPECT_EQ(c.gpus, (std::vector<int>{0, 2}));
}

// best-fit, s = 0.5 (cpu_left - cpu)/128000 + 0.5 (gpu_free - gpu)/8000,
// score int(100 (1 - s)), sharing pod (4 CPUs, 300m):
//   a: 0.5*28000/128000 + 0.5*1700/8000 = 0.215625 -> 78
//   b: 0.5*16000/128000 + 0.5*2800/8000 = 0.2375   -> 76
//   c: 0.5*84000/128000 + 0.5*6700/8000 = 0.746875 -> 25
// min-max to [0, 100]: a 100, b (76-25)*100/53 = 96, c 0 -> node-a, GPU 0.
// 1-GPU pod on V100M16 only: node-c, GPU 1.
TEST(SharingPolicies, BestFit) {
  const auto cl = cluster();
  auto c = choose("best-fit", pod(4000, 1, 300), cl);
  EXPECT_EQ(c.node, kA);
  EXPECT_EQ(c.gpus, (std::vector<int>{0}));
  auto v100 = pod(4000, 1, 1000);
  v100.gpu_spec = "V100M16|V100M32";
  c = choose("best-fit", v100, cl);
  EXPECT_EQ(c.node, kC);
  EXPECT_EQ(c.gpus, (std::vector<int>{1}));
}

// fgd with typical pods T1 = (1 CPU, 1 x 500m) and T2 = (1 CPU, 1 x 1000m),
// weights 0.5 each; three T4 nodes with plenty of CPU:
//   x {1000, 1000}: F 0.     500m on GPU 0 -> {500, 1000}: T2 finds 500 too small:
//                            F 250, score int(100 sigmoid(-0.25)) = 43 (GPU 1 the same)
//   y {600, 1000}: F = 0.5*600 = 300. On GPU 0 -> {100, 1000}: F 0.5*100 + 0.5*100
//                            = 100, sigmoid(0.2) -> 54; on GPU 1 -> {600, 500}: T2
//                            cannot run: 0.5*1100 = 550, -> 43. Best: GPU 0, 54.
//   z {500, 0}: F = 0.5*500 = 250 (T2 cannot run). On GPU 0 -> {0, 0}: F 0,
//                            sigmoid(0.25) -> 56.
// -> node z, GPU 0. Then z is full; the next pod of 500m goes to y, GPU 0.
// A 1-GPU pod: x -> {0, 1000}: F 0, score 50; y -> {600, 0}: F 300 -> 300, 50;
// z has no free GPU: tie between x and y -> x (smaller name), GPU 0.
TEST(SharingPolicies, FgdHandComputed) {
  std::vector<models::TypicalPod> typical(2);
  typical[0].cpu_milli = typical[1].cpu_milli = 1000;
  typical[0].num_gpus = typical[1].num_gpus = 1;
  typical[0].gpu_milli = 500;
  typical[1].gpu_milli = 1000;
  typical[0].weight = typical[1].weight = 0.5;
  ShareNode x("x", "T4", 64000, 262144, 2), y("y", "T4", 64000, 262144, 2), z("z", "T4", 64000, 262144, 2);
  y.gpu_free = {600, 1000};
  z.gpu_free = {500, 0};
  ShareCluster cl({z, y, x});
  constexpr int kZ = 0, kY = 1, kX = 2;
  EXPECT_DOUBLE_EQ(models::gpu_fragment_milli(cl.node(kY), typical), 300);
  EXPECT_DOUBLE_EQ(models::gpu_fragment_milli(cl.node(kZ), typical), 250);

  sim::Rng rng(1);
  auto fgd = SharingRegistry::instance().find("fgd")->make(Params{});
  const ShareContext ctx{cl, typical, rng};
  const SharePod half = pod(1000, 1, 500);
  auto c = fgd->choose(half, ctx);
  EXPECT_EQ(c.node, kZ);
  EXPECT_EQ(c.gpus, (std::vector<int>{0}));
  cl.place(c.node, half, c.gpus);
  // The same policy object again: its cache must see that z changed.
  c = fgd->choose(half, ctx);
  EXPECT_EQ(c.node, kY);
  EXPECT_EQ(c.gpus, (std::vector<int>{0}));

  ShareCluster fresh({z, y, x});
  c = choose("fgd", pod(1000, 1, 1000), fresh, typical);
  EXPECT_EQ(c.node, kX);
  EXPECT_EQ(c.gpus, (std::vector<int>{0}));
}

// random: uniform over the feasible nodes, and over the GPUs with room.
TEST(SharingPolicies, RandomIsUniformOverFeasibleChoices) {
  const auto cl = cluster();
  auto pol = SharingRegistry::instance().find("random")->make(Params{});
  sim::Rng rng(7);
  const ShareContext ctx{cl, {}, rng};
  std::map<std::pair<int, int>, int> seen;
  const SharePod p = pod(4000, 1, 500);  // fits a (GPU 0, 1), b (GPU 0, 2, 3), c (GPU 1..7)
  for (int i = 0; i < 6000; ++i) {
    auto c = pol->choose(p, ctx);
    ASSERT_EQ(c.gpus.size(), 1u);
    ASSERT_GE(cl.node(c.node).gpu_free[static_cast<std::size_t>(c.gpus[0])], 500);
    ++seen[{c.node, c.gpus[0]}];
  }
  int per_node[3] = {0, 0, 0};
  for (const auto& [k, n] : seen) per_node[k.first] += n;
  for (int n : per_node) EXPECT_NEAR(n, 2000, 200);
  EXPECT_EQ(seen.count({kB, 1}), 0u);  // 400 free: no room
  EXPECT_NEAR((seen[{kB, 3}]), 2000 / 3, 120);
  // A pod that fits nowhere.
  EXPECT_FALSE(pol->choose(pod(200000, 0, 0), ctx));
  // Whole GPUs: the lowest-index free ones on the drawn node.
  for (int i = 0; i < 50; ++i) {
    auto c = pol->choose(pod(1000, 2, 1000), ctx);
    EXPECT_EQ(c.gpus, c.node == kC ? (std::vector<int>{1, 2}) : (std::vector<int>{0, c.node == kB ? 2 : 1}));
  }
}

TEST(SharingPolicies, NoFeasibleNode) {
  const auto cl = cluster();
  for (const char* name : {"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit", "fgd"}) {
    auto c = choose(name, pod(1000, 8, 1000), cl);  // no node has 8 free GPUs
    EXPECT_FALSE(c) << name;
    EXPECT_EQ(c.node, -1) << name;
  }
}

TEST(SharingPolicies, GpuModelConstraintHonoured) {
  const auto cl = cluster();
  auto v100 = pod(1000, 1, 300);
  v100.gpu_spec = "V100M16|V100M32";  // only node-c
  auto t4 = pod(1000, 1, 300);
  t4.gpu_spec = "T4";  // node-a or node-b
  for (const char* name : {"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit", "fgd"}) {
    EXPECT_EQ(choose(name, v100, cl).node, kC) << name;
    EXPECT_NE(choose(name, t4, cl).node, kC) << name;
    auto a10 = pod(1000, 1, 300);
    a10.gpu_spec = "A10";
    EXPECT_FALSE(choose(name, a10, cl)) << name;
  }
}

}  // namespace
}  // namespace fleetsim::policies
