#pragma once
// kube-scheduler NodeResourcesFit scoring, integer arithmetic as in
// pkg/scheduler/framework/plugins/noderesources/{least,most}_allocated.go.
// "requested" includes the incoming pod; CPU and memory use the non-zero request
// defaults (100m, 200 MiB) for pods that request none; a resource whose
// allocatable is 0 is left out of the weighted average.
#include <cstdint>

#include "models/cluster.hpp"

namespace fleetsim::policies {

enum class ScoringStrategy { least_allocated, most_allocated };

struct ResourceWeights {
  std::int64_t cpu = 1;
  std::int64_t memory = 1;
  std::int64_t gpu = 0;  // nvidia.com/gpu is not scored by kube-scheduler's default
};

inline constexpr std::int64_t kMaxNodeScore = 100;
inline constexpr std::int64_t kDefaultMilliCpuRequest = 100;
inline constexpr std::int64_t kDefaultMemoryRequestMib = 200;

std::int64_t least_allocated_score(std::int64_t requested, std::int64_t allocatable);
std::int64_t most_allocated_score(std::int64_t requested, std::int64_t allocatable);

// Score of `node` for `pod` (0..100).
std::int64_t resource_fit_score(ScoringStrategy s, const ResourceWeights& w, const models::Node& node,
                                const models::PodSpec& pod);

// The same from raw numbers, for tests and callers without a Node.
std::int64_t resource_fit_score(ScoringStrategy s, const ResourceWeights& w, const models::Resources& allocatable,
                                const models::Resources& requested_with_pod);

}  // namespace fleetsim::policies
