#pragma once
// A compact GPU-sharing cluster for placement experiments in which pods never
// depart (the FGD experiment, Weng et al., ATC'23; docs/fgd.md). A node keeps
// its free CPU and memory and, per GPU index, the free GPU share in milli-GPU
// (1000 = one whole GPU), as the paper's artifact does
// (hkust-adsl/kubernetes-scheduler-simulator, pkg/type/resource.go NodeResource:
// MilliCpuLeft, MilliGpuLeftList, GpuType). A pod asks for CPU, memory and
// `num_gpus` GPUs of `gpu_milli` each: a sharing pod asks for one GPU with
// gpu_milli < 1000, a whole-GPU pod for num_gpus x 1000, a CPU-only pod for none.
//
// This model is separate from models/cluster.hpp (the event-driven whole-GPU
// cluster): it has no time, no pod lifecycle and no events, so one run of
// ~10,000 placements on ~1,200 nodes takes milliseconds of bookkeeping.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/rng.hpp"

namespace fleetsim::models {

inline constexpr std::int32_t kMilliPerGpu = 1000;

struct SharePod {
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t num_gpus = 0;   // GPUs asked for; 0 = CPU-only
  std::int32_t gpu_milli = 0;  // share of each of those GPUs, 1..1000; 0 = CPU-only
  std::string gpu_spec;        // accepted GPU models, "A|B"; "" = any
  std::string source;          // "file:line", for messages

  bool wants_gpu() const { return num_gpus > 0 && gpu_milli > 0; }
  // One GPU, a fraction of it (the artifact's PodResource.IsGpuShare).
  bool shares_gpu() const { return num_gpus == 1 && gpu_milli > 0 && gpu_milli < kMilliPerGpu; }
  std::int64_t total_gpu_milli() const { return wants_gpu() ? std::int64_t{num_gpus} * gpu_milli : 0; }
};

// The artifact's GpuAffinity tags (pkg/type/open-gpu-share/utils/pod.go
// GetGpuAffinityFromPodAnnotation): "share-gpu" for a sharing pod, "<k>-gpu" for
// a pod of k whole GPUs; CPU-only pods have none. Used by gpu-clustering.
inline constexpr std::int32_t kShareGpuTag = 0;      // k whole GPUs: tag k
std::int32_t gpu_affinity_tag(const SharePod& pod);  // -1 for a CPU-only pod

struct ShareNode {
  std::string name;
  std::string model;  // GPU model; "" for a CPU-only node
  std::int64_t cpu_capacity = 0, cpu_left = 0;
  std::int64_t memory_capacity = 0, memory_left = 0;
  std::vector<std::int32_t> gpu_free;  // free milli-GPU per GPU index
  // (affinity tag, pods placed here with that tag), sorted by tag.
  std::vector<std::pair<std::int32_t, std::int32_t>> affinity;
  std::uint64_t version = 0;  // incremented by every place(): lets policies cache per node

  ShareNode() = default;
  ShareNode(std::string name_, std::string model_, std::int64_t cpu_milli, std::int64_t memory_mib, int gpus);

  int gpus() const { return static_cast<int>(gpu_free.size()); }
  std::int64_t gpu_free_total() const;
  int fully_free_gpus() const;
  std::int32_t affinity_count(std::int32_t tag) const;
};

// Does the GPU-model request `spec` ("A|B", "" = any) accept a node of `model`?
// As the artifact's utils.IsNodeAccessibleToPodByType: empty parts are ignored;
// a spec with no non-empty part accepts every node; a CPU-only node (model "")
// accepts no spec that names a model.
bool gpu_spec_accepts(const std::string& spec, const std::string& model);

// GPUs on `node` with at least `milli` free.
int gpus_with_at_least(const ShareNode& node, std::int32_t milli);

// The scheduler's filters: NodeResourcesFit (CPU and memory) for every pod;
// for a pod wanting GPUs, the artifact's Open-Gpu-Share filter: the node has
// GPUs of an accepted model and num_gpus of them each with gpu_milli free.
bool fits(const ShareNode& node, const SharePod& pod);

// Places `pod` on `node` on the GPUs `gpus` (empty for a CPU-only pod; one
// index per GPU asked for). Throws std::logic_error if it does not fit there.
void place(ShareNode& node, const SharePod& pod, std::span<const int> gpus);

// GPU indices the artifact's Reserve step picks on a chosen node
// (pkg/simulator/plugin/open_gpu_share.go, pkg/type/resource.go):
// - lowest_free_gpus: the `count` lowest-index fully free GPUs
//   (AllocateExclusiveGpuId), for whole-GPU pods under every policy;
// - tightest_gpu: the GPU with the least free share that still fits `milli`,
//   the lowest index among equals (allocateGpuIdBasedOnBestFit), -1 if none.
std::vector<int> lowest_free_gpus(const ShareNode& node, int count);
int tightest_gpu(const ShareNode& node, std::int32_t milli);

// The cluster a policy sees: nodes, and each node's tie rank, which breaks ties
// between equal scores (lowest rank wins). The artifact's patched kube-scheduler
// selectHost picks the lexicographically smallest node name, but its simulator
// first renames every node "<dddd>-<name>" with a random permutation of 0..n-1
// (pkg/simulator/simulator.go syncClusterResourceList), so in its experiments a
// tie goes to a node order drawn at random once per run. By default the rank is
// the byte order of names; randomize_tie_order draws it as the artifact does.
class ShareCluster {
 public:
  ShareCluster();
  explicit ShareCluster(std::vector<ShareNode> nodes);
  // A copy is another cluster: it gets its own id.
  ShareCluster(const ShareCluster& other);
  ShareCluster& operator=(const ShareCluster& other);
  ShareCluster(ShareCluster&&) = default;
  ShareCluster& operator=(ShareCluster&&) = default;
  const std::vector<ShareNode>& nodes() const { return nodes_; }
  const ShareNode& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  int tie_rank(int i) const { return rank_[static_cast<std::size_t>(i)]; }
  void randomize_tie_order(sim::Rng& rng);
  void place(int node, const SharePod& pod, std::span<const int> gpus);
  std::int64_t total_gpus() const { return total_gpus_; }
  // Distinct for every cluster object made in this process: with a node's
  // version, it keys a policy's per-node caches.
  std::uint64_t id() const { return id_; }

 private:
  static std::uint64_t next_id();
  std::vector<ShareNode> nodes_;
  std::vector<int> rank_;
  std::int64_t total_gpus_ = 0;
  std::uint64_t id_ = 0;
};

}  // namespace fleetsim::models
