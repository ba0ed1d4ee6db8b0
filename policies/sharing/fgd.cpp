// fgd: Fragmentation Gradient Descent (Weng et al., ATC'23):
// place the pod where it increases the cluster's GPU fragmentation with respect
// to the typical pods (models/fragmentation.hpp) the least. As the artifact
// scores it (pkg/simulator/plugin/fgd_score.go calculateGpuShareFragExtendScore,
// GPU selection by the same function):
//   score = int(100 * sigmoid((F(node) - F(node with the pod)) / 1000)).
// A sharing pod is tried on every GPU with room, in index order, and takes the
// first GPU with the highest score; a whole-GPU pod is subtracted from the
// fully free GPUs and takes the lowest-index ones; a CPU-only pod only
// subtracts CPU.
//
// Scores depend only on the node's state and the pod's (CPU, GPUs, share,
// model), so they are cached per node and pod shape and recomputed only after
// the node changed (ShareNode::version); F(node) is cached the same way.
#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {
namespace {

// Cache at most this many (node, shape) entries per policy instance (16 bytes
// each); pods of further shapes are scored without caching.
constexpr std::size_t kMaxCachedEntries = std::size_t{1} << 22;

std::int64_t fgd_score(double before, double after) {
  const double x = (before - after) / 1000.0;
  const double sigmoid = 1.0 / (1.0 + std::exp(-x));
  return static_cast<std::int64_t>(sigmoid * static_cast<double>(kMaxNodeScore));
}

class FgdSharing final : public SharingPolicy {
 public:
  ShareChoice choose(const models::SharePod& pod, const ShareContext& ctx) override {
    const auto& cluster = ctx.cluster;
    if (cluster.id() != cluster_id_ || static_cast<std::size_t>(cluster.size()) != frag_.size() ||
        ctx.typical.data() != typical_.data() || ctx.typical.size() != typical_.size())
      reset(cluster, ctx.typical);
    std::vector<Entry>* cache = shape_cache(pod, cluster);
    int best = -1, best_gpu = -1;
    std::int64_t best_score = 0;
    for (int i = 0; i < cluster.size(); ++i) {
      const auto& node = cluster.node(i);
      if (!models::fits(node, pod)) continue;
      Entry e;
      if (cache != nullptr && (*cache)[static_cast<std::size_t>(i)].version == node.version + 1) {
        e = (*cache)[static_cast<std::size_t>(i)];
      } else {
        e = score(i, node, pod, ctx.typical);
        if (cache != nullptr) (*cache)[static_cast<std::size_t>(i)] = e;
      }
      if (best < 0 || e.score > best_score || (e.score == best_score && cluster.tie_rank(i) < cluster.tie_rank(best))) {
        best = i;
        best_score = e.score;
        best_gpu = e.gpu;
      }
    }
    ShareChoice c;
    c.node = best;
    if (best < 0) return c;
    if (pod.shares_gpu())
      c.gpus = {best_gpu};
    else if (pod.wants_gpu())
      c.gpus = models::lowest_free_gpus(cluster.node(best), pod.num_gpus);
    return c;
  }

 private:
  struct Entry {
    std::uint64_t version = 0;  // node version + 1; 0 = empty
    std::int32_t score = 0;
    std::int32_t gpu = -1;  // sharing pods: the GPU that scored best
  };
  using Shape = std::tuple<std::int64_t, std::int32_t, std::int32_t, std::string>;

  void reset(const models::ShareCluster& cluster, std::span<const models::TypicalPod> typical) {
    cluster_id_ = cluster.id();
    typical_ = typical;
    frag_.assign(static_cast<std::size_t>(cluster.size()), {0, 0.0});
    shapes_.clear();
    caches_.clear();
    cached_entries_ = 0;
  }

  std::vector<Entry>* shape_cache(const models::SharePod& pod, const models::ShareCluster& cluster) {
    Shape key{pod.cpu_milli, pod.num_gpus, pod.gpu_milli, pod.gpu_spec};
    auto it = shapes_.find(key);
    if (it == shapes_.end()) {
      const std::size_t n = static_cast<std::size_t>(cluster.size());
      if (cached_entries_ + n > kMaxCachedEntries) return nullptr;
      cached_entries_ += n;
      caches_.emplace_back(n);
      it = shapes_.emplace(std::move(key), caches_.size() - 1).first;
    }
    return &caches_[it->second];
  }

  double fragmentation(int i, const models::ShareNode& node, std::span<const models::TypicalPod> typical) {
    auto& [version, value] = frag_[static_cast<std::size_t>(i)];
    if (version != node.version + 1) {
      value = models::gpu_fragment_milli(node, typical);
      version = node.version + 1;
    }
    return value;
  }

  Entry score(int i, const models::ShareNode& node, const models::SharePod& pod,
              std::span<const models::TypicalPod> typical) {
    Entry e;
    e.version = node.version + 1;
    const double before = fragmentation(i, node, typical);
    const std::int64_t cpu_after = node.cpu_left - pod.cpu_milli;
    scratch_ = node.gpu_free;
    if (pod.shares_gpu()) {
      bool any = false;
      for (std::size_t g = 0; g < scratch_.size(); ++g) {
        if (node.gpu_free[g] < pod.gpu_milli) continue;
        scratch_[g] -= pod.gpu_milli;
        const std::int64_t s = fgd_score(before, models::gpu_fragment_milli(cpu_after, scratch_, node.model, typical));
        scratch_[g] = node.gpu_free[g];
        if (!any || s > e.score) {
          any = true;
          e.score = static_cast<std::int32_t>(s);
          e.gpu = static_cast<std::int32_t>(g);
        }
      }
      return e;
    }
    if (pod.wants_gpu())
      for (int g : models::lowest_free_gpus(node, pod.num_gpus)) scratch_[static_cast<std::size_t>(g)] -= pod.gpu_milli;
    e.score = static_cast<std::int32_t>(
        fgd_score(before, models::gpu_fragment_milli(cpu_after, scratch_, node.model, typical)));
    return e;
  }

  std::uint64_t cluster_id_ = 0;
  std::span<const models::TypicalPod> typical_;
  std::vector<std::pair<std::uint64_t, double>> frag_;  // (node version + 1, F(node))
  std::map<Shape, std::size_t> shapes_;
  std::vector<std::vector<Entry>> caches_;
  std::size_t cached_entries_ = 0;
  std::vector<std::int32_t> scratch_;
};

const bool registered = SharingRegistry::instance().add(
    {"fgd",
     "Fragmentation Gradient Descent: the node and GPU whose use least increases GPU fragmentation with respect to "
     "the typical pods (Weng et al., ATC'23).",
     {},
     [](const Params&) { return std::make_unique<FgdSharing>(); }});

}  // namespace
}  // namespace fleetsim::policies
