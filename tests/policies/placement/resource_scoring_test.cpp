#include "policies/placement/resource_scoring.hpp"

#include <gtest/gtest.h>

#include "models/cluster.hpp"

namespace fleetsim::policies {
namespace {

using models::Resources;
constexpr std::int64_t kGi = 1024;  // MiB per GiB

const ResourceWeights kDefaultWeights{};  // cpu 1, memory 1, gpu 0 (kube-scheduler default)

TEST(ResourceScoring, DefaultWeightsMatchKubeScheduler) {
  EXPECT_EQ(kDefaultWeights.cpu, 1);
  EXPECT_EQ(kDefaultWeights.memory, 1);
  EXPECT_EQ(kDefaultWeights.gpu, 0);  // nvidia.com/gpu not scored by default
  EXPECT_EQ(kDefaultMilliCpuRequest, 100);
  EXPECT_EQ(kDefaultMemoryRequestMib, 200);
}

// G1.1: alloc 4000m/8Gi, 1000m/2Gi already requested, pod 1000m/2Gi:
// cpu (4000-2000)*100/4000 = 50, memory 50 -> 50.
TEST(ResourceScoring, G1_1_LeastAllocatedDefault) {
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, kDefaultWeights, Resources{4000, 8 * kGi, 0},
                               Resources{2000, 4 * kGi, 0}),
            50);
  // The same through a Node: bound pods plus the incoming pod.
  models::Node n;
  n.allocatable = {4000, 8 * kGi, 0};
  n.requested = {1000, 2 * kGi, 0};
  n.pods.push_back(models::BoundPod{{1, 0}, {1000, 2 * kGi, 0}, 0, 0, 0});
  models::PodSpec pod;
  pod.cpu_milli = 1000;
  pod.memory_mib = 2 * kGi;
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, kDefaultWeights, n, pod), 50);
}

// G1.2: MostAllocated, cpu 1, memory 1, gpu 3; alloc 32000m/256Gi/8 GPU,
// requested with the pod 24000m/64Gi/6 -> cpu 75, mem 25, gpu 75 ->
// (75 + 25 + 3*75) / 5 = 65.
TEST(ResourceScoring, G1_2_MostAllocatedWithGpuWeight) {
  const ResourceWeights w{1, 1, 3};
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, w, Resources{32000, 256 * kGi, 8},
                               Resources{24000, 64 * kGi, 6}),
            65);
  // CPU-only node: GPU allocatable 0 is skipped, not scored 0: (75 + 25) / 2 = 50.
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, w, Resources{32000, 256 * kGi, 0},
                               Resources{24000, 64 * kGi, 0}),
            50);
}

TEST(ResourceScoring, G1_2_ThroughNode) {
  models::Node n;
  n.allocatable = {32000, 256 * kGi, 8};
  n.pods.push_back(models::BoundPod{{1, 0}, {16000, 32 * kGi, 4}, 0xF, 0, 0});
  models::PodSpec pod;
  pod.cpu_milli = 8000;
  pod.memory_mib = 32 * kGi;
  pod.gpus = 2;
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{1, 1, 3}, n, pod), 65);
}

// G1.5: (3000 - 1000) * 100 / 3000 = 66.67 truncates to 66.
TEST(ResourceScoring, G1_5_IntegerTruncation) {
  EXPECT_EQ(least_allocated_score(1000, 3000), 66);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, ResourceWeights{1, 0, 0}, Resources{3000, 0, 0},
                               Resources{1000, 0, 0}),
            66);
  // The weighted average truncates too: MostAllocated cpu 75, memory 26 -> 101/2 = 50.
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, kDefaultWeights, Resources{100, 100, 0},
                               Resources{75, 26, 0}),
            50);
}

TEST(ResourceScoring, RequestAboveAllocatableClamps) {
  // MostAllocated: req > alloc counts as req = alloc -> 100.
  EXPECT_EQ(most_allocated_score(5000, 4000), 100);
  EXPECT_EQ(most_allocated_score(4000, 4000), 100);
  // LeastAllocated: req > alloc -> 0.
  EXPECT_EQ(least_allocated_score(5000, 4000), 0);
  EXPECT_EQ(least_allocated_score(4000, 4000), 0);
  EXPECT_EQ(least_allocated_score(0, 4000), 100);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, kDefaultWeights, Resources{1000, 1000, 0},
                               Resources{9000, 500, 0}),
            (100 + 50) / 2);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, kDefaultWeights, Resources{1000, 1000, 0},
                               Resources{9000, 500, 0}),
            (0 + 50) / 2);
}

TEST(ResourceScoring, NoScoredResourceGivesZero) {
  // Only GPU weighted, node without GPUs: weight sum 0 -> 0.
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, ResourceWeights{0, 0, 1}, Resources{4000, 4000, 0},
                               Resources{0, 0, 0}),
            0);
}

TEST(ResourceScoring, NonZeroDefaultsForIncomingPod) {
  models::Node n;
  n.allocatable = {1000, 1000, 0};
  models::PodSpec empty;  // no cpu, no memory request
  // cpu counts 100m: 100*100/1000 = 10; memory counts 200 MiB: 20.
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{1, 0, 0}, n, empty), 10);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{0, 1, 0}, n, empty), 20);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, ResourceWeights{1, 0, 0}, n, empty), 90);
  // A pod with an explicit request uses it as is.
  models::PodSpec small;
  small.cpu_milli = 10;
  small.memory_mib = 10;
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{1, 0, 0}, n, small), 1);
}

TEST(ResourceScoring, NonZeroDefaultsForBoundPods) {
  models::Node n;
  n.allocatable = {1000, 1000, 0};
  for (std::uint32_t i = 0; i < 3; ++i) n.pods.push_back(models::BoundPod{{i, 0}, {0, 0, 0}, 0, 0, 0});
  models::PodSpec empty;
  // 4 pods x 100m = 400m -> 40.
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{1, 0, 0}, n, empty), 40);
}

// The defaults apply to scoring only: a 1-vCPU node takes 20 pods with no
// requests (Filter uses actual requests, 0), while scoring sees 20 x 100m = 2000m
// on 1000m and clamps.
TEST(ResourceScoring, NonZeroDefaultsNeverFilter) {
  models::InstanceType t;
  t.name = "tiny";
  t.vcpu = 1;
  t.memory_gib = 1;
  t.reserve_system = false;
  models::Cluster c;
  auto pool = c.add_pool({"tiny", &t, 1, 0});
  auto id = c.add_node(pool, 0);
  models::PodSpec empty;
  for (std::uint32_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.fits(c.node(id), empty));
    c.bind(id, {i, 0}, empty, 0, 0);
  }
  EXPECT_EQ(c.node(id).requested, (Resources{0, 0, 0}));
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, kDefaultWeights, c.node(id), empty), 100);
  EXPECT_EQ(resource_fit_score(ScoringStrategy::least_allocated, kDefaultWeights, c.node(id), empty), 0);
}

TEST(ResourceScoring, GpuUsesActualRequestsAndFractionalTakesWhole) {
  models::Node n;
  n.allocatable = {1000, 1000, 8};
  models::PodSpec frac;
  frac.cpu_milli = 1000;
  frac.memory_mib = 1000;
  frac.gpu_milli = 500;  // counts as one whole GPU
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{0, 0, 1}, n, frac), 12);  // 1*100/8
  models::PodSpec cpu_only;
  cpu_only.cpu_milli = 1000;
  cpu_only.memory_mib = 1000;
  EXPECT_EQ(resource_fit_score(ScoringStrategy::most_allocated, ResourceWeights{0, 0, 1}, n, cpu_only), 0);
}

}  // namespace
}  // namespace fleetsim::policies
