#pragma once
// The GPUs of one node and the links between them, as a Boost.Graph. Placement
// policies ask which GPU sets are joined by NVLink/NVSwitch and which only by
// PCIe. One topology is built per instance type and shared by its nodes.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <vector>

#include "models/instance_catalog.hpp"

namespace fleetsim::models {

enum class LinkKind { pcie = 0, nvlink = 1, nvswitch = 2 };

struct GpuLink {
  LinkKind kind = LinkKind::pcie;
  double bandwidth_gbps = 0;  // unidirectional GB/s, for ranking sets
};

class GpuTopology {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                      boost::no_property, GpuLink>;

  // pcie: every pair over PCIe. nvswitch: every pair through NVSwitch. nvlink: the
  // DGX-1 hybrid cube-mesh for 8 GPUs (two fully linked quads, GPU i linked to
  // i+4), a full mesh for up to 4 GPUs; other pairs fall back to PCIe.
  static GpuTopology build(int gpus, Interconnect interconnect);

  int gpus() const { return static_cast<int>(boost::num_vertices(graph_)); }
  const Graph& graph() const { return graph_; }
  LinkKind link(int a, int b) const;
  // True when every pair in `mask` (bit i = GPU i) is joined by NVLink or NVSwitch.
  bool fully_nvlinked(std::uint32_t mask) const;
  // The lowest-index set of `count` free GPUs (bit set = free) that is fully
  // NVLinked, or 0 when none exists.
  std::uint32_t nvlinked_subset(std::uint32_t free_mask, int count) const;

 private:
  Graph graph_;
};

}  // namespace fleetsim::models
