#include "models/topology_slowdown.hpp"

#include <bit>

#include "models/cluster.hpp"

namespace fleetsim::models {

double topology_rate(const TopologySensitivity& s, std::span<const PodGpus> pods) {
  if (!s.any()) return 1.0;
  bool first = true, cross_node = false, split = false;
  std::uint32_t node = 0;
  for (const PodGpus& p : pods) {
    if (p.gpu_mask == 0) continue;
    if (!first && p.node != node) cross_node = true;
    first = false;
    node = p.node;
    if (std::popcount(p.gpu_mask) > 1 && !(p.topology && p.topology->fully_nvlinked(p.gpu_mask))) split = true;
  }
  if (cross_node) return 1.0 / (1.0 + s.cross_node_slowdown);
  if (split) return 1.0 / (1.0 + s.pcie_slowdown);
  return 1.0;
}

double topology_rate(const TopologySensitivity& s, const Cluster& cluster, std::uint32_t job,
                     const std::vector<std::uint32_t>& nodes) {
  if (!s.any()) return 1.0;
  std::vector<PodGpus> pods;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const Node& n = cluster.node(nodes[i]);
    for (const BoundPod& b : n.pods)
      if (b.ref == PodRef{job, i}) pods.push_back({n.id, b.gpu_mask, n.topology});
  }
  return topology_rate(s, pods);
}

}  // namespace fleetsim::models
