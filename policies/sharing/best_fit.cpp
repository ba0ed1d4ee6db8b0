// best-fit: the FGD paper's two-dimension best fit (CPU and GPU
// weighted equally), as its artifact scores it (pkg/simulator/plugin/
// best_fit_score.go getBestFitScore, then NormalizeScore; GPU selection
// "best"). The leftover after placing the pod, per dimension divided by the
// largest node (128 CPUs, 8 GPUs) and weighted 0.5 each:
//   s = 0.5 * (cpu_left - cpu) / 128000 + 0.5 * (gpu_free - gpu) / 8000,
// scores int(100 * (1 - s)) (the smaller the leftover, the higher); the scores
// of the feasible nodes are then rescaled to [0, 100] by min-max with integer
// division, as the artifact's NormalizeScore does.
#include <algorithm>

#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

std::int64_t best_fit_score(const models::ShareNode& node, const models::SharePod& pod) {
  const double free[2] = {static_cast<double>(node.cpu_left), static_cast<double>(node.gpu_free_total())};
  const double req[2] = {static_cast<double>(pod.cpu_milli), static_cast<double>(pod.total_gpu_milli())};
  const double max_spec[2] = {static_cast<double>(kMaxSpecCpu), static_cast<double>(kMaxSpecGpu)};
  const double weight[2] = {0.5, 0.5};
  double s = 0;
  for (int i = 0; i < 2; ++i) s += (free[i] - req[i]) / max_spec[i] * weight[i];
  return static_cast<std::int64_t>((1.0 - s) * static_cast<double>(kMaxNodeScore));
}

class BestFitSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    feasible_.clear();
    raw_.clear();
    for (int i = 0; i < ctx.cluster.size(); ++i) {
      if (!models::fits(ctx.cluster.node(i), pod)) continue;
      feasible_.push_back(i);
      raw_.push_back(best_fit_score(ctx.cluster.node(i), pod));
    }
    if (feasible_.empty()) return {};
    const auto [lo, hi] = std::minmax_element(raw_.begin(), raw_.end());
    const std::int64_t low = *lo, range = *hi - *lo;
    ShareChoice c;
    std::int64_t best = 0;
    for (std::size_t k = 0; k < feasible_.size(); ++k) {
      const std::int64_t s = range == 0 ? kMinNodeScore : (raw_[k] - low) * (kMaxNodeScore - kMinNodeScore) / range;
      const int i = feasible_[k];
      if (c.node < 0 || s > best || (s == best && ctx.cluster.tie_rank(i) < ctx.cluster.tie_rank(c.node))) {
        c.node = i;
        best = s;
      }
    }
    c.gpus = best_fit_gpus(ctx.cluster.node(c.node), pod);
    return c;
  }

 private:
  std::vector<int> feasible_;
  std::vector<std::int64_t> raw_;
};

const bool registered = SharingRegistry::instance().add(
    {"best-fit",
     "Least CPU and GPU left over after placing, equally weighted and normalised by the largest node (FGD paper "
     "baseline BestFit, two dimensions).",
     {},
     [](const Params&) { return std::make_unique<BestFitSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
