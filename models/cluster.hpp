#pragma once
// Nodes, node pools and what is bound where. Mechanics only: the Filter rule of
// kube-scheduler's NodeResourcesFit (requests against allocatable, pod count) and
// the device plugin's choice of GPU indices. Policies read a const Cluster.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/gpu_topology.hpp"
#include "models/instance_catalog.hpp"
#include "models/job.hpp"
#include "models/resources.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

using NodeId = std::uint32_t;
using PoolId = std::uint32_t;

struct PodRef {
  JobId job = 0;
  std::uint32_t pod = 0;
  friend bool operator==(const PodRef&, const PodRef&) = default;
};

struct BoundPod {
  PodRef ref;
  Resources request;
  std::uint32_t gpu_mask = 0;
  std::int32_t priority = 0;
  sim::SimTime start = 0;
  sim::SimTime node_changed_before = sim::kNever;  // the node's pods_changed before this bind
};

// A node's life: requested from the cloud (launching, not billed), running and
// billed while kubelet, driver and device plugin start (booting), schedulable
// (ready), cordoned while its pods leave (draining), gone (terminated).
enum class NodeState : std::uint8_t { launching, booting, ready, draining, terminated };
const char* to_string(NodeState s);

struct NodePool {
  std::string name;
  const InstanceType* type = nullptr;
  int count = 0;  // nodes at the start
  double usd_per_hour = 0;
  int min = 0;    // node-group bounds for autoscalers
  int max = 0;
  sim::SimTime launch_delay = 0;  // request -> instance running (billing starts)
  sim::SimTime boot_delay = 0;    // running -> Ready with GPUs advertised
  double launch_failure_probability = 0;  // a launch that never becomes Ready
  // Karpenter offerings: each (NodePool, instance type, capacity type) is a pool.
  std::string nodepool = "";              // the Karpenter NodePool; "" for plain pools
  bool spot = false;
  int weight = 0;                         // NodePool weight: higher is tried first
  std::int64_t nodepool_gpu_limit = 0;    // NodePool limits.nvidia.com/gpu; 0 = none
  double interruption_probability = 0;    // spot: monthly, for price-capacity-optimized
};

struct Node {
  NodeId id = 0;
  std::string name;
  PoolId pool = 0;
  const InstanceType* type = nullptr;
  const GpuTopology* topology = nullptr;
  Resources allocatable;
  Resources requested;
  int max_pods = 110;
  std::uint32_t free_gpu_mask = 0;  // bit i set = GPU i free
  std::vector<BoundPod> pods;
  double usd_per_hour = 0;
  NodeState state = NodeState::ready;
  sim::SimTime requested_at = 0;  // when the node was asked for
  sim::SimTime launched = sim::kNever;  // billing starts; kNever if it never ran
  sim::SimTime ready_at = sim::kNever;
  sim::SimTime terminated = sim::kNever;
  sim::SimTime pods_changed = sim::kNever;  // last bind or unbind

  Resources free() const { return allocatable - requested; }
  const std::string& gpu_model() const { return type->gpu_model; }
};

// The GPU constraints of a pod that asks for GPUs: model ("A|B") and memory per GPU.
bool meets_gpu_constraints(const PodSpec& p, const InstanceType& t);

class Cluster {
 public:
  PoolId add_pool(NodePool pool);
  // A node of `pool`; `state` ready (the default) means running and schedulable now.
  NodeId add_node(PoolId pool, sim::SimTime now, int max_pods = 110, NodeState state = NodeState::ready);
  // Moves a node along its lifecycle (forward only). Terminating requires no bound pods.
  void set_state(NodeId id, NodeState state, sim::SimTime now);
  // Nodes of `pool` not terminated (launching ones included): the node group's size.
  int pool_size(PoolId pool) const { return pool_counts_[pool].live; }
  // Nodes of `pool` booting or ready: running and not cordoned.
  int pool_up(PoolId pool) const { return pool_counts_[pool].up; }
  // Nodes of `pool` in `state` (terminated ones are not counted).
  int pool_in(PoolId pool, NodeState state) const { return pool_counts_[pool].by_state[static_cast<int>(state)]; }
  // Nodes not terminated, in id order: what loops over the cluster need, as a
  // long run leaves many more terminated nodes behind.
  const std::vector<NodeId>& live() const { return live_; }
  // Change counters, so a periodic controller can tell nothing happened since it
  // last looked: nodes added or changing state; pods bound or unbound; pods
  // unbound (capacity freed).
  std::uint64_t node_version() const { return node_version_; }
  std::uint64_t pod_version() const { return pod_version_; }
  std::uint64_t unbind_version() const { return unbind_version_; }
  // The nodes that changed (added, state, pods bound or unbound), oldest first,
  // since the last clear_changes(): a controller can keep its own index of the
  // cluster up to date without visiting every node. Entry i is change number
  // changes_base() + i; one that finds changes_base() past what it read has
  // missed changes and must look at every node.
  const std::vector<NodeId>& changes() const { return changes_; }
  std::uint64_t changes_base() const { return changes_base_; }
  void clear_changes() {
    changes_base_ += changes_.size();
    changes_.clear();
  }

  const std::vector<Node>& nodes() const { return nodes_; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  const std::vector<NodePool>& pools() const { return pools_; }

  // NodeResourcesFit Filter plus the GPU-model constraint.
  bool fits(const Node& n, const PodSpec& p) const;
  // Binds and returns the GPU indices taken (NVLink-connected where possible).
  std::uint32_t bind(NodeId id, PodRef ref, const PodSpec& p, std::int32_t priority, sim::SimTime now);
  // The pod leaves at `now`.
  void unbind(NodeId id, PodRef ref, sim::SimTime now);
  // Undoes a bind made in the same instant that did not stand (a gang that did
  // not fit whole, a what-if): the node's pods_changed is left as it was.
  void unassume(NodeId id, PodRef ref);

  // Largest free GPU count on any node: a pod needing more fits nowhere.
  int max_free_gpus() const;
  int max_gpus_per_node() const { return max_gpus_; }
  // GPUs on running nodes (booting, ready or draining): what is being paid for.
  std::int64_t gpus_total() const { return gpus_total_; }
  std::int64_t nodes_running() const { return nodes_running_; }
  std::int64_t gpus_allocated() const { return gpus_allocated_; }

 private:
  void histogram_move(const Node& n, int from_free);
  BoundPod remove_pod(NodeId id, PodRef ref);
  const GpuTopology* topology_for(const InstanceType* t);

  struct PoolCounts {
    int live = 0;
    int up = 0;
    std::array<int, 5> by_state{};
  };
  std::vector<NodePool> pools_;
  std::vector<PoolCounts> pool_counts_;
  std::vector<Node> nodes_;
  std::vector<NodeId> live_;
  std::uint64_t node_version_ = 0;
  std::uint64_t pod_version_ = 0;
  std::uint64_t unbind_version_ = 0;
  std::vector<NodeId> changes_;
  std::uint64_t changes_base_ = 0;
  std::vector<std::pair<const InstanceType*, std::shared_ptr<const GpuTopology>>> topologies_;  // shared by copies
  std::array<std::int64_t, 33> free_hist_{};  // nodes by free GPU count
  int max_gpus_ = 0;
  std::int64_t gpus_total_ = 0;
  std::int64_t nodes_running_ = 0;
  std::int64_t gpus_allocated_ = 0;
};

}  // namespace fleetsim::models
