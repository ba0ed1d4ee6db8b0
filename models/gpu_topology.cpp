#include "models/gpu_topology.hpp"

#include <bit>

namespace fleetsim::models {

namespace {
// Published per-direction figures: PCIe 4.0 x16 ~32 GB/s (PCIe 3.0 ~16),
// V100 NVLink2 25 GB/s per link, A100/H100 NVSwitch 300/450 GB/s per GPU.
constexpr double kPcieGbps = 16.0;
constexpr double kNvlinkGbps = 50.0;
constexpr double kNvswitchGbps = 300.0;

bool cube_mesh_pair(int a, int b) {
  if (a / 4 == b / 4) return true;  // same quad
  return (a % 4) == (b % 4);        // GPU i and i+4
}
}  // namespace

GpuTopology GpuTopology::build(int gpus, Interconnect interconnect) {
  GpuTopology t;
  t.graph_ = Graph(static_cast<std::size_t>(gpus));
  for (int a = 0; a < gpus; ++a)
    for (int b = a + 1; b < gpus; ++b) {
      GpuLink l{LinkKind::pcie, kPcieGbps};
      if (interconnect == Interconnect::nvswitch) {
        l = {LinkKind::nvswitch, kNvswitchGbps};
      } else if (interconnect == Interconnect::nvlink && (gpus <= 4 || cube_mesh_pair(a, b))) {
        l = {LinkKind::nvlink, kNvlinkGbps};
      }
      boost::add_edge(a, b, l, t.graph_);
    }
  return t;
}

LinkKind GpuTopology::link(int a, int b) const {
  auto [e, found] = boost::edge(a, b, graph_);
  return found ? graph_[e].kind : LinkKind::pcie;
}

bool GpuTopology::fully_nvlinked(std::uint32_t mask) const {
  for (int a = 0; a < gpus(); ++a) {
    if (!(mask >> a & 1u)) continue;
    for (int b = a + 1; b < gpus(); ++b)
      if ((mask >> b & 1u) && link(a, b) == LinkKind::pcie) return false;
  }
  return true;
}

std::uint32_t GpuTopology::nvlinked_subset(std::uint32_t free_mask, int count) const {
  if (count <= 0 || std::popcount(free_mask) < count) return 0;
  // Greedy growth from each free GPU in index order: small graphs (<= 16 GPUs).
  for (int start = 0; start < gpus(); ++start) {
    if (!(free_mask >> start & 1u)) continue;
    std::uint32_t set = 1u << start;
    for (int c = 0; c < gpus() && std::popcount(set) < count; ++c)
      if ((free_mask >> c & 1u) && !(set >> c & 1u) && fully_nvlinked(set | 1u << c)) set |= 1u << c;
    if (std::popcount(set) == count) return set;
  }
  return 0;
}

}  // namespace fleetsim::models
