// gpu-packing: fill GPUs already in use first, then GPUs of nodes already in
// use, and only then empty nodes, as the FGD paper's artifact scores it
// (pkg/simulator/plugin/gpu_packing_score.go getPackingScore; GPU selection
// "best"). With the node's GPUs taken in increasing free share (stable), the
// pod's GPUs are the first ones it fits on:
//   node with every GPU free:  max(33 - free GPUs, free GPUs)
//   must use u > 0 fully free GPUs: max(50 - u, 33)
//   fits on GPUs in use:       max(100 - (sum over used GPUs of free*100/1000)/10, 50)
// A CPU-only pod scores 0 everywhere.
#include <algorithm>
#include <numeric>

#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

class GpuPackingSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    ShareChoice c;
    c.node = highest_scoring_node(pod, ctx.cluster, [&](int i) { return score(ctx.cluster.node(i), pod); });
    if (c) c.gpus = best_fit_gpus(ctx.cluster.node(c.node), pod);
    return c;
  }

 private:
  std::int64_t score(const models::ShareNode& node, const models::SharePod& pod) {
    if (!pod.wants_gpu()) return kMinNodeScore;
    const int fully_free = node.fully_free_gpus();
    if (fully_free == node.gpus()) return std::max<std::int64_t>(kMaxNodeScore / 3 - fully_free, fully_free);
    order_.resize(node.gpu_free.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
      return node.gpu_free[static_cast<std::size_t>(a)] < node.gpu_free[static_cast<std::size_t>(b)];
    });
    int wanted = pod.num_gpus, fully_free_used = 0;
    std::int64_t free_pct_sum = 0;
    for (int g : order_) {
      if (wanted == 0) break;
      const std::int64_t f = node.gpu_free[static_cast<std::size_t>(g)];
      if (pod.gpu_milli > f) continue;
      --wanted;
      if (f == models::kMilliPerGpu) ++fully_free_used;
      free_pct_sum += f * 100 / models::kMilliPerGpu;
    }
    if (wanted != 0) return kMinNodeScore;  // cannot happen for a feasible node
    if (fully_free_used > 0) return std::max<std::int64_t>(kMaxNodeScore / 2 - fully_free_used, kMaxNodeScore / 3);
    return std::max<std::int64_t>(kMaxNodeScore - free_pct_sum / 10, kMaxNodeScore / 2);
  }

  std::vector<int> order_;
};

const bool registered = SharingRegistry::instance().add(
    {"gpu-packing",
     "Shared GPUs already in use first, then free GPUs on used nodes, then empty nodes (FGD paper baseline "
     "GpuPacking).",
     {},
     [](const Params&) { return std::make_unique<GpuPackingSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
