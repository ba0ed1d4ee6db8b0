// gpu-clustering: keeps pods of the same GPU shape together, as the FGD paper's
// artifact scores it (pkg/simulator/plugin/gpu_clustering_score.go; GPU
// selection "best"). A pod's affinity tag is "share-gpu" or "<k>-gpu"
// (models::gpu_affinity_tag). With L the node's total free GPU milli and
// b = 25 * (8000 - L) / 8000 (integer arithmetic), a node scores
//   75 + b  if it holds pods of the pod's tag and of no other tag,
//   50 + b  if it holds pods of the pod's tag and of others,
//   25 + b  if it holds no GPU pod,
//    0 + b  if it holds only GPU pods of other tags;
// a CPU-only pod scores 0 everywhere (so it goes to the feasible node of lowest
// tie rank).
#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

std::int64_t gpu_clustering_score(const models::ShareNode& node, const models::SharePod& pod) {
  const std::int32_t tag = models::gpu_affinity_tag(pod);
  if (tag < 0) return kMinNodeScore;
  const std::int64_t quarter = kMaxNodeScore / 4;
  const std::int64_t bonus = quarter * (kMaxSpecGpu - node.gpu_free_total()) / kMaxSpecGpu;
  if (node.affinity_count(tag) > 0) return bonus + (node.affinity.size() == 1 ? 3 * quarter : 2 * quarter);
  return bonus + (node.affinity.empty() ? quarter : 0);
}

class GpuClusteringSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    ShareChoice c;
    c.node =
        highest_scoring_node(pod, ctx.cluster, [&](int i) { return gpu_clustering_score(ctx.cluster.node(i), pod); });
    if (c) c.gpus = best_fit_gpus(ctx.cluster.node(c.node), pod);
    return c;
  }
};

const bool registered = SharingRegistry::instance().add(
    {"gpu-clustering",
     "Nodes already holding pods of the same GPU shape first, then fuller nodes (FGD paper baseline GpuClustering).",
     {},
     [](const Params&) { return std::make_unique<GpuClusteringSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
