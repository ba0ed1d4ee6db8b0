// GPU fragmentation of the FGD paper (models/fragmentation.hpp) against hand
// computations, and the typical-pods target workload.
#include "models/fragmentation.hpp"

#include <gtest/gtest.h>

#include <set>

namespace fleetsim::models {
namespace {

TypicalPod typical(std::int64_t cpu, std::int32_t gpus, std::int32_t milli, double weight, std::string spec = "") {
  TypicalPod t;
  t.cpu_milli = cpu;
  t.num_gpus = gpus;
  t.gpu_milli = milli;
  t.gpu_spec = std::move(spec);
  t.weight = weight;
  return t;
}

SharePod pod(std::int64_t cpu, std::int32_t gpus, std::int32_t milli, std::string spec = "") {
  SharePod p;
  p.cpu_milli = cpu;
  p.memory_mib = 1024;
  p.num_gpus = gpus;
  p.gpu_milli = milli;
  p.gpu_spec = std::move(spec);
  return p;
}

// A T4 node with 8 CPUs free and four GPUs with 1000, 500, 200 and 0 milli free
// (1700 free in all), against six typical pods:
//   A  CPU-only, 4 CPUs         w 0.2  wants no GPU: all 1700 are fragments
//   B  1 x 300m, 2 CPUs         w 0.3  fits on GPU 0 or 1; GPUs 2 and 3 (200 + 0) are too small: 200
//   C  1 x 1000m, 16 CPUs       w 0.1  lacks CPU: 1700
//   D  2 x 1000m, 1 CPU         w 0.2  only one fully free GPU: 1700
//   E  1 x 600m on V100M16 only w 0.1  no access to a T4: 1700
//   F  1 x 1000m, 1 CPU         w 0.1  fits on GPU 0; GPUs 1-3 (500 + 200 + 0) too small: 700
// F = 0.2*1700 + 0.3*200 + 0.1*1700 + 0.2*1700 + 0.1*1700 + 0.1*700 = 1150.
TEST(Fragmentation, HandBuiltNode) {
  ShareNode node("n", "T4", 32000, 65536, 4);
  node.cpu_left = 8000;
  node.gpu_free = {1000, 500, 200, 0};
  const std::vector<TypicalPod> t = {typical(4000, 0, 0, 0.2),
                                     typical(2000, 1, 300, 0.3),
                                     typical(16000, 1, 1000, 0.1),
                                     typical(1000, 2, 1000, 0.2),
                                     typical(1000, 1, 600, 0.1, "V100M16"),
                                     typical(1000, 1, 1000, 0.1)};
  EXPECT_NEAR(gpu_fragment_milli(node, t), 1150.0, 1e-9);

  // The same node on a V100M16: E now fits on GPU 0 and finds GPUs 1-3 too
  // small (700): F = 1150 - 0.1*1700 + 0.1*700 = 1050.
  node.model = "V100M16";
  EXPECT_NEAR(gpu_fragment_milli(node, t), 1050.0, 1e-9);

  // No GPU free: no fragment. An empty node: only A (all 4000 free) and the
  // pods that cannot run (C lacks CPU; E no access on a T4): 0.4*4000.
  node.gpu_free = {0, 0, 0, 0};
  EXPECT_EQ(gpu_fragment_milli(node, t), 0.0);
  ShareNode empty("e", "T4", 8000, 65536, 4);
  EXPECT_NEAR(gpu_fragment_milli(empty, t), (0.2 + 0.1 + 0.1) * 4000, 1e-9);
}

TEST(Fragmentation, TypicalPodsByFrequencyUntilThreshold) {
  std::vector<SharePod> pods;
  for (int i = 0; i < 5; ++i) pods.push_back(pod(2000, 1, 500));
  for (int i = 0; i < 3; ++i) pods.push_back(pod(8000, 0, 0));
  pods.push_back(pod(1000, 8, 1000));
  pods.push_back(pod(3000, 1, 1000));

  // 95% of 10 pods: all four shapes; the two single pods in decreasing
  // (cpu, gpu_milli, num_gpus): 3000 CPUs before 1000.
  auto all = typical_pods(pods);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].gpu_milli, 500);
  EXPECT_EQ(all[0].count, 5);
  EXPECT_DOUBLE_EQ(all[0].weight, 0.5);
  EXPECT_EQ(all[1].num_gpus, 0);
  EXPECT_DOUBLE_EQ(all[1].weight, 0.3);
  EXPECT_EQ(all[2].cpu_milli, 3000);
  EXPECT_EQ(all[3].cpu_milli, 1000);
  EXPECT_EQ(all[3].num_gpus, 8);

  // 80%: the first two shapes cover 8 of 10 pods; weights renormalised over 8.
  TypicalPodOptions o;
  o.popularity = 0.8;
  auto top = typical_pods(pods, o);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_DOUBLE_EQ(top[0].weight, 5.0 / 8);
  EXPECT_DOUBLE_EQ(top[1].weight, 3.0 / 8);

  // Without CPU-only pods: 7 pods; 95% of 7 = 6.65 needs all three GPU shapes.
  o.popularity = 0.95;
  o.include_cpu_pods = false;
  auto gpu_only = typical_pods(pods, o);
  ASSERT_EQ(gpu_only.size(), 3u);
  EXPECT_DOUBLE_EQ(gpu_only[0].weight, 5.0 / 7);
}

TEST(GpuShare, SpecAcceptsLikeTheArtifact) {
  EXPECT_TRUE(gpu_spec_accepts("", "T4"));
  EXPECT_TRUE(gpu_spec_accepts("", ""));
  EXPECT_TRUE(gpu_spec_accepts("V100M16|V100M32", "V100M32"));
  EXPECT_FALSE(gpu_spec_accepts("V100M16|V100M32", "V100"));
  EXPECT_FALSE(gpu_spec_accepts("T4", ""));
  EXPECT_TRUE(gpu_spec_accepts("|", "T4"));
  EXPECT_TRUE(gpu_spec_accepts("|T4|", "T4"));
}

TEST(GpuShare, FitsAndPlace) {
  ShareNode node("n", "T4", 8000, 16384, 2);
  SharePod share = pod(2000, 1, 600);
  SharePod two = pod(2000, 2, 1000);
  ASSERT_TRUE(fits(node, share));
  ASSERT_TRUE(fits(node, two));
  place(node, share, std::vector<int>{1});
  EXPECT_EQ(node.gpu_free, (std::vector<std::int32_t>{1000, 400}));
  EXPECT_EQ(node.cpu_left, 6000);
  EXPECT_EQ(node.memory_left, 16384 - 1024);
  EXPECT_EQ(node.version, 1u);
  EXPECT_EQ(node.affinity_count(kShareGpuTag), 1);
  EXPECT_FALSE(fits(node, two));                       // one fully free GPU left
  EXPECT_FALSE(fits(node, pod(2000, 1, 600, "A10")));  // model
  EXPECT_FALSE(fits(node, pod(7000, 0, 0)));           // CPU
  SharePod big_memory = pod(1000, 0, 0);
  big_memory.memory_mib = 16000;
  EXPECT_FALSE(fits(node, big_memory));                                     // memory
  EXPECT_THROW(place(node, share, std::vector<int>{1}), std::logic_error);  // 400 < 600
  EXPECT_EQ(tightest_gpu(node, 300), 1);
  EXPECT_EQ(tightest_gpu(node, 500), 0);
  EXPECT_EQ(lowest_free_gpus(node, 1), (std::vector<int>{0}));
  EXPECT_TRUE(lowest_free_gpus(node, 2).empty());
}

TEST(GpuShare, TieOrderIsNameOrderOrARandomPermutation) {
  ShareCluster cl({ShareNode("b", "T4", 1000, 1000, 1), ShareNode("c", "T4", 1000, 1000, 1),
                   ShareNode("a", "T4", 1000, 1000, 1)});
  EXPECT_EQ(cl.tie_rank(0), 1);
  EXPECT_EQ(cl.tie_rank(1), 2);
  EXPECT_EQ(cl.tie_rank(2), 0);
  EXPECT_EQ(cl.total_gpus(), 3);
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    ShareCluster copy = cl;
    EXPECT_NE(copy.id(), cl.id());
    sim::Rng rng(seed);
    copy.randomize_tie_order(rng);
    std::vector<int> ranks = {copy.tie_rank(0), copy.tie_rank(1), copy.tie_rank(2)};
    EXPECT_EQ(std::set<int>(ranks.begin(), ranks.end()), (std::set<int>{0, 1, 2}));
    orders.insert(ranks);
  }
  EXPECT_EQ(orders.size(), 6u);  // all 3! orders drawn
}

}  // namespace
}  // namespace fleetsim::models
