// dot-product: the Tetris-style alignment heuristic as the FGD paper's artifact
// runs it (pkg/simulator/plugin/dot_product_score.go with the experiment's
// dimExtMethod "merge", normMethod "max" and GPU selection "best";
// experiments/run_scripts/generate_run_scripts.py, row 02-DotProd). The node's
// free vector (CPU, total free GPU) and the pod's request vector (CPU, total
// GPU) are each divided by the largest node (128 CPUs, 8 GPUs); the score is
// 100 * (1 - dot/2), truncated: the smaller the dot product, the higher the
// score. GPUs on the chosen node: best_fit_gpus.
#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

std::int64_t dot_product_score(const models::ShareNode& node, const models::SharePod& pod) {
  const double max_cpu = static_cast<double>(kMaxSpecCpu), max_gpu = static_cast<double>(kMaxSpecGpu);
  const double node_cpu = static_cast<double>(node.cpu_left) / max_cpu;
  const double node_gpu = static_cast<double>(node.gpu_free_total()) / max_gpu;
  const double pod_cpu = static_cast<double>(pod.cpu_milli) / max_cpu;
  const double pod_gpu = static_cast<double>(pod.total_gpu_milli()) / max_gpu;
  double dot = 0;
  dot += node_cpu * pod_cpu;
  dot += node_gpu * pod_gpu;
  const double score = 1 - dot / 2;
  return static_cast<std::int64_t>(static_cast<double>(kMaxNodeScore) * score);
}

class DotProductSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    ShareChoice c;
    c.node = highest_scoring_node(pod, ctx.cluster, [&](int i) { return dot_product_score(ctx.cluster.node(i), pod); });
    if (c) c.gpus = best_fit_gpus(ctx.cluster.node(c.node), pod);
    return c;
  }
};

const bool registered = SharingRegistry::instance().add(
    {"dot-product",
     "Smallest dot product of the node's free (CPU, GPU) and the pod's request, normalised by the largest node "
     "(FGD paper baseline DotProd).",
     {},
     [](const Params&) { return std::make_unique<DotProductSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
