#include "policies/placement/resource_scoring.hpp"

namespace fleetsim::policies {

std::int64_t least_allocated_score(std::int64_t requested, std::int64_t allocatable) {
  if (allocatable == 0 || requested > allocatable) return 0;
  return (allocatable - requested) * kMaxNodeScore / allocatable;
}

std::int64_t most_allocated_score(std::int64_t requested, std::int64_t allocatable) {
  if (allocatable == 0) return 0;
  if (requested > allocatable) requested = allocatable;
  return requested * kMaxNodeScore / allocatable;
}

std::int64_t resource_fit_score(ScoringStrategy s, const ResourceWeights& w, const models::Resources& alloc,
                                const models::Resources& req) {
  auto score = s == ScoringStrategy::least_allocated ? least_allocated_score : most_allocated_score;
  std::int64_t total = 0, weights = 0;
  auto add = [&](std::int64_t r, std::int64_t a, std::int64_t weight) {
    if (a == 0 || weight == 0) return;
    total += score(r, a) * weight;
    weights += weight;
  };
  add(req.cpu_milli, alloc.cpu_milli, w.cpu);
  add(req.memory_mib, alloc.memory_mib, w.memory);
  add(req.gpus, alloc.gpus, w.gpu);
  return weights == 0 ? 0 : total / weights;
}

std::int64_t resource_fit_score(ScoringStrategy s, const ResourceWeights& w, const models::Node& node,
                                const models::PodSpec& pod) {
  // Non-zero defaults apply to scoring only, for the incoming pod and bound pods.
  auto nz_cpu = [](std::int64_t c) { return c == 0 ? kDefaultMilliCpuRequest : c; };
  auto nz_mem = [](std::int64_t m) { return m == 0 ? kDefaultMemoryRequestMib : m; };
  models::Resources req{nz_cpu(pod.cpu_milli), nz_mem(pod.memory_mib), pod.whole_gpus()};
  for (const auto& b : node.pods) req += {nz_cpu(b.request.cpu_milli), nz_mem(b.request.memory_mib), b.request.gpus};
  return resource_fit_score(s, w, node.allocatable, req);
}

}  // namespace fleetsim::policies
