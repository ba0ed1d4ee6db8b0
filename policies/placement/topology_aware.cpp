// topology-aware: best-fit for a pod that asks for k >= 2 whole GPUs, but only
// among nodes whose free GPUs hold a set of k all joined by NVLink/NVSwitch (the
// node's GpuTopology), so Cluster::bind can give it one. Most-allocated among
// those, as best-fit scores it; plain best-fit when no node has such a set, and
// for pods with 0 or 1 GPU.
#include "policies/placement/scored_placement.hpp"

namespace fleetsim::policies {
namespace {

class TopologyAware final : public PlacementPolicy {
 public:
  explicit TopologyAware(ResourceWeights w) : weights_(w), best_fit_(ScoringStrategy::most_allocated, w) {}

  std::optional<models::NodeId> place(const models::PodSpec& pod, const models::Cluster& c) override {
    const int k = pod.whole_gpus();
    if (k < 2 || k > c.max_free_gpus()) return best_fit_.place(pod, c);
    std::optional<models::NodeId> best;
    std::int64_t best_score = -1;
    for (models::NodeId id : c.live()) {
      const models::Node& n = c.node(id);
      if (!c.fits(n, pod) || !n.topology || n.topology->nvlinked_subset(n.free_gpu_mask, k) == 0) continue;
      const std::int64_t s = resource_fit_score(ScoringStrategy::most_allocated, weights_, n, pod);
      if (s > best_score) {  // ties: lowest node index, as ScoredPlacement
        best_score = s;
        best = id;
      }
    }
    return best ? best : best_fit_.place(pod, c);
  }

 private:
  ResourceWeights weights_;
  ScoredPlacement best_fit_;
};

const bool registered = PlacementRegistry::instance().add(
    {"topology-aware",
     "Multi-GPU pods: most-allocated node with a free NVLink/NVSwitch-joined GPU set, else best-fit.",
     resource_weight_params(), [](const Params& p) { return std::make_unique<TopologyAware>(resource_weights(p)); }});

}  // namespace
}  // namespace fleetsim::policies
