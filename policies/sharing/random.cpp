// random: a feasible node drawn uniformly, and on it, for a sharing pod, a GPU
// drawn uniformly among those with room. Follows the artifact's RandomScore
// plugin (pkg/simulator/plugin/random_score.go: PreScore draws one of the nodes
// that passed the filters, Score gives it the maximum) and its GPU selection
// method "random" (open_gpu_share.go allocateGpuIdBasedOnRandomFit: reservoir
// sampling over the fitting GPUs; whole-GPU pods take the lowest-index fully
// free GPUs).
#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

class RandomSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    feasible_.clear();
    for (int i = 0; i < ctx.cluster.size(); ++i)
      if (models::fits(ctx.cluster.node(i), pod)) feasible_.push_back(i);
    if (feasible_.empty()) return {};
    ShareChoice c;
    c.node = feasible_[ctx.rng.below(feasible_.size())];
    const auto& node = ctx.cluster.node(c.node);
    if (pod.shares_gpu()) {
      std::uint64_t seen = 0;
      int chosen = -1;
      for (int g = 0; g < node.gpus(); ++g) {
        if (node.gpu_free[static_cast<std::size_t>(g)] < pod.gpu_milli) continue;
        if (ctx.rng.below(++seen) == 0) chosen = g;
      }
      c.gpus = {chosen};
    } else if (pod.wants_gpu()) {
      c.gpus = models::lowest_free_gpus(node, pod.num_gpus);
    }
    return c;
  }

 private:
  std::vector<int> feasible_;
};

const bool registered = SharingRegistry::instance().add(
    {"random",
     "A feasible node uniformly at random; a sharing pod on a random GPU with room (FGD paper baseline).",
     {},
     [](const Params&) { return std::make_unique<RandomSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
