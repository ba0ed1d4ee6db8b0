#include "models/gpu_share.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>

namespace fleetsim::models {

std::int32_t gpu_affinity_tag(const SharePod& pod) {
  if (!pod.wants_gpu()) return -1;
  return pod.shares_gpu() ? kShareGpuTag : pod.num_gpus;
}

ShareNode::ShareNode(std::string name_, std::string model_, std::int64_t cpu_milli, std::int64_t memory_mib, int gpus)
    : name(std::move(name_)),
      model(std::move(model_)),
      cpu_capacity(cpu_milli),
      cpu_left(cpu_milli),
      memory_capacity(memory_mib),
      memory_left(memory_mib),
      gpu_free(static_cast<std::size_t>(gpus), kMilliPerGpu) {}

std::int64_t ShareNode::gpu_free_total() const {
  std::int64_t total = 0;
  for (auto f : gpu_free) total += f;
  return total;
}

int ShareNode::fully_free_gpus() const {
  return static_cast<int>(std::count(gpu_free.begin(), gpu_free.end(), kMilliPerGpu));
}

std::int32_t ShareNode::affinity_count(std::int32_t tag) const {
  for (const auto& [t, n] : affinity)
    if (t == tag) return n;
  return 0;
}

bool gpu_spec_accepts(const std::string& spec, const std::string& model) {
  if (spec.empty()) return true;
  if (model.empty()) return false;
  bool named_any = false;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t bar = spec.find('|', start);
    if (bar == std::string::npos) bar = spec.size();
    if (bar > start) {
      named_any = true;
      if (spec.compare(start, bar - start, model) == 0) return true;
    }
    start = bar + 1;
  }
  return !named_any;
}

int gpus_with_at_least(const ShareNode& node, std::int32_t milli) {
  int n = 0;
  for (auto f : node.gpu_free) n += f >= milli ? 1 : 0;
  return n;
}

bool fits(const ShareNode& node, const SharePod& pod) {
  if (node.cpu_left < pod.cpu_milli || node.memory_left < pod.memory_mib) return false;
  if (!pod.wants_gpu()) return true;
  if (node.gpu_free.empty() || !gpu_spec_accepts(pod.gpu_spec, node.model)) return false;
  return gpus_with_at_least(node, pod.gpu_milli) >= pod.num_gpus;
}

void place(ShareNode& node, const SharePod& pod, std::span<const int> gpus) {
  if (!fits(node, pod)) throw std::logic_error("place: pod " + pod.name + " does not fit node " + node.name);
  const std::size_t wanted = pod.wants_gpu() ? static_cast<std::size_t>(pod.num_gpus) : 0;
  if (gpus.size() != wanted)
    throw std::logic_error("place: pod " + pod.name + " needs " + std::to_string(wanted) + " GPU indices");
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    const int g = gpus[i];
    if (g < 0 || g >= node.gpus() || node.gpu_free[static_cast<std::size_t>(g)] < pod.gpu_milli ||
        std::find(gpus.begin(), gpus.begin() + static_cast<std::ptrdiff_t>(i), g) !=
            gpus.begin() + static_cast<std::ptrdiff_t>(i))
      throw std::logic_error("place: GPU " + std::to_string(g) + " of node " + node.name + " cannot take pod " +
                             pod.name);
  }
  node.cpu_left -= pod.cpu_milli;
  node.memory_left -= pod.memory_mib;
  for (int g : gpus) node.gpu_free[static_cast<std::size_t>(g)] -= pod.gpu_milli;
  if (const std::int32_t tag = gpu_affinity_tag(pod); tag >= 0) {
    auto it = std::lower_bound(node.affinity.begin(), node.affinity.end(), std::make_pair(tag, 0));
    if (it != node.affinity.end() && it->first == tag)
      ++it->second;
    else
      node.affinity.insert(it, {tag, 1});
  }
  ++node.version;
}

std::vector<int> lowest_free_gpus(const ShareNode& node, int count) {
  std::vector<int> out;
  for (int g = 0; g < node.gpus() && static_cast<int>(out.size()) < count; ++g)
    if (node.gpu_free[static_cast<std::size_t>(g)] == kMilliPerGpu) out.push_back(g);
  if (static_cast<int>(out.size()) < count) out.clear();
  return out;
}

int tightest_gpu(const ShareNode& node, std::int32_t milli) {
  int best = -1;
  for (int g = 0; g < node.gpus(); ++g) {
    const auto f = node.gpu_free[static_cast<std::size_t>(g)];
    if (f >= milli && (best < 0 || f < node.gpu_free[static_cast<std::size_t>(best)])) best = g;
  }
  return best;
}

std::uint64_t ShareCluster::next_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

ShareCluster::ShareCluster() : id_(next_id()) {}

ShareCluster::ShareCluster(const ShareCluster& other)
    : nodes_(other.nodes_), rank_(other.rank_), total_gpus_(other.total_gpus_), id_(next_id()) {}

ShareCluster& ShareCluster::operator=(const ShareCluster& other) {
  if (this != &other) {
    nodes_ = other.nodes_;
    rank_ = other.rank_;
    total_gpus_ = other.total_gpus_;
    id_ = next_id();
  }
  return *this;
}

ShareCluster::ShareCluster(std::vector<ShareNode> nodes)
    : nodes_(std::move(nodes)), rank_(nodes_.size()), id_(next_id()) {
  std::vector<int> order(nodes_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return nodes_[static_cast<std::size_t>(a)].name < nodes_[static_cast<std::size_t>(b)].name;
  });
  for (std::size_t r = 0; r < order.size(); ++r) rank_[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  for (const auto& n : nodes_) total_gpus_ += n.gpus();
}

void ShareCluster::randomize_tie_order(sim::Rng& rng) {
  // The artifact gives the i-th node in name order the prefix perm[i]; any
  // uniformly random permutation of the ranks is the same distribution.
  for (std::size_t i = rank_.size(); i > 1; --i) std::swap(rank_[i - 1], rank_[rng.below(i)]);
}

void ShareCluster::place(int node, const SharePod& pod, std::span<const int> gpus) {
  models::place(nodes_.at(static_cast<std::size_t>(node)), pod, gpus);
}

}  // namespace fleetsim::models
