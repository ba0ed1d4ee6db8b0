#include "policies/placement/scored_placement.hpp"

namespace fleetsim::policies {

std::vector<ParamSpec> resource_weight_params() {
  return {{"cpu_weight", ParamKind::integer, "1", "weight of cpu in NodeResourcesFit scoring", 0, 100},
          {"memory_weight", ParamKind::integer, "1", "weight of memory", 0, 100},
          {"gpu_weight", ParamKind::integer, "3",
           "weight of nvidia.com/gpu (kube-scheduler's default config scores no GPUs: set 0 to match)", 0, 100}};
}

ResourceWeights resource_weights(const Params& p) {
  return {p.integer("cpu_weight"), p.integer("memory_weight"), p.integer("gpu_weight")};
}

std::optional<models::NodeId> ScoredPlacement::place(const models::PodSpec& pod, const models::Cluster& c) {
  if (!c.may_fit(pod)) return std::nullopt;
  std::optional<models::NodeId> best;
  std::int64_t best_score = -1;
  for (models::NodeId id : c.live()) {
    const models::Node& n = c.node(id);
    if (!c.fits(n, pod)) continue;
    std::int64_t s = resource_fit_score(strategy_, weights_, n, pod);
    if (s > best_score) {
      best_score = s;
      best = n.id;
    }
  }
  return best;
}

}  // namespace fleetsim::policies
