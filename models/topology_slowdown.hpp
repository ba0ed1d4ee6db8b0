#pragma once
// The slowdown a multi-GPU job pays when its GPUs are not joined by
// NVLink/NVSwitch. A simplification: one fixed slowdown per attempt, chosen from
// where its pods landed (no bandwidth or communication model): the job's
// attempt runs at 1/(1+s) of its normal rate, s being the source's
// cross_node_slowdown when its GPU pods span nodes, else its pcie_slowdown when
// some pod's GPUs are not all NVLinked to one another, else 0. docs/model.md.
#include <cstdint>
#include <span>
#include <vector>

namespace fleetsim::models {

class Cluster;
class GpuTopology;

// Per workload source: fractions of extra run time (0.25 = 25% longer).
struct TopologySensitivity {
  double pcie_slowdown = 0;
  double cross_node_slowdown = 0;
  bool any() const { return pcie_slowdown != 0 || cross_node_slowdown != 0; }
};

// The GPUs one pod got: its node, the device plugin's indices, the node's links.
struct PodGpus {
  std::uint32_t node = 0;
  std::uint32_t gpu_mask = 0;
  const GpuTopology* topology = nullptr;
};

// Rate multiplier (0 < r <= 1) for an attempt on these pods; pods without GPUs
// are ignored.
double topology_rate(const TopologySensitivity& s, std::span<const PodGpus> pods);

// The same for job `job`, whose pod i is bound on nodes[i] in `cluster`.
double topology_rate(const TopologySensitivity& s, const Cluster& cluster, std::uint32_t job,
                     const std::vector<std::uint32_t>& nodes);

}  // namespace fleetsim::models
