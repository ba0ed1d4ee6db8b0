#pragma once
// Where one pod goes in a GPU-sharing cluster (models/gpu_share.hpp): a node and
// the GPU indices on it. The six policies of the FGD paper (Weng et al., ATC'23)
// live here, one per file, registered by name in SharingRegistry. It is a
// registry of its own, not an adapter onto PlacementRegistry: a placement
// policy answers only a node of the event-driven whole-GPU cluster
// (models/cluster.hpp), while these must also answer which GPUs, and share
// GPUs between pods; see docs/fgd.md.
//
// Every policy follows the paper's artifact (hkust-adsl/kubernetes-scheduler-
// simulator, pkg/simulator/plugin/*_score.go): each feasible node gets an
// integer score in [0, 100]; the highest wins, ties going to the node of lowest
// ShareCluster::tie_rank (the artifact's patched selectHost in vendor/k8s.io/
// kubernetes/pkg/scheduler/core/generic_scheduler.go picks the smallest node
// name, names it has prefixed with a random permutation); then the policy's GPU
// selection method picks the GPU indices on that node.
#include <cstdint>
#include <span>
#include <vector>

#include "models/fragmentation.hpp"
#include "models/gpu_share.hpp"
#include "sim/rng.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

struct ShareChoice {
  int node = -1;          // index into the cluster's nodes; -1 = the pod fits nowhere
  std::vector<int> gpus;  // GPU indices on that node, one per GPU asked for
  explicit operator bool() const { return node >= 0; }
};

// What a run gives a policy besides the pod.
struct ShareContext {
  const models::ShareCluster& cluster;
  std::span<const models::TypicalPod> typical;  // the target workload (fgd)
  sim::Rng& rng;                                // random choices (random)
};

class SharingPolicy {
 public:
  virtual ~SharingPolicy() = default;
  // A node passing models::fits for `pod` and the GPUs to use on it, or node -1.
  // A policy instance may cache per node (keyed by ShareNode::version) for the
  // cluster it is called with.
  virtual ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) = 0;
};

using SharingRegistry = Registry<SharingPolicy>;

// The GPU selection method "best" (allocateGpuIdBasedOnBestFit), used by
// dot-product, gpu-clustering, gpu-packing and best-fit: a sharing pod takes
// the GPU with the least free share that fits (lowest index among equals); a
// whole-GPU pod the lowest-index fully free GPUs; a CPU-only pod none.
std::vector<int> best_fit_gpus(const models::ShareNode& node, const models::SharePod& pod);

// Feasible node with the highest score(node) (an int64), ties to the lowest
// tie rank; -1 if none is feasible.
template <class Score>
int highest_scoring_node(const models::SharePod& pod, const models::ShareCluster& cluster, Score&& score) {
  int best = -1;
  std::int64_t best_score = 0;
  for (int i = 0; i < cluster.size(); ++i) {
    if (!models::fits(cluster.node(i), pod)) continue;
    const std::int64_t s = score(i);
    if (best < 0 || s > best_score || (s == best_score && cluster.tie_rank(i) < cluster.tie_rank(best))) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

// The kube-scheduler framework's score bounds.
inline constexpr std::int64_t kMinNodeScore = 0;
inline constexpr std::int64_t kMaxNodeScore = 100;
// The artifact's normalisation constants (pkg/type/open-gpu-share/utils/const.go).
inline constexpr std::int64_t kMaxSpecCpu = 128000;  // milli-CPU
inline constexpr std::int64_t kMaxSpecGpu = 8000;    // milli-GPU

}  // namespace fleetsim::policies
