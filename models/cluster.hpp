#pragma once
// Nodes, node pools and what is bound where. Mechanics only: the Filter rule of
// kube-scheduler's NodeResourcesFit (requests against allocatable, pod count) and
// the device plugin's choice of GPU indices. Policies read a const Cluster.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/gpu_sharing.hpp"
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
  // GPUs it is charged for: whole GPUs, or its share of shared ones (1/replicas
  // per replica, gpu_milli / 1000, a MIG instance's part of its GPU).
  double gpu_share = 0;
  std::uint64_t mig_devices = 0;  // bit i: the node's MIG device i
};

// A pod on a time-sliced, MPS or fractional GPU.
struct GpuTenant {
  PodRef ref;
  std::int32_t milli = 0;       // fractional: the share it holds
  std::int64_t memory_mib = 0;  // GPU memory it uses while running
  double demand = 1;            // compute it would use alone (its GPU utilization)
  bool active = false;          // running: its memory is in use (false before start and while crashed)
};

struct SharedGpu {
  std::vector<GpuTenant> tenants;
  std::int32_t milli_used = 0;
  std::int64_t memory_active_mib = 0;
};

// One MIG instance as the device plugin advertises it.
struct MigDevice {
  int gpu = 0;
  const MigProfile* profile = nullptr;  // nullptr: an empty slot (the instance was destroyed)
  int start = 0;                        // first memory slice
  bool used = false;
  PodRef user;
  double demand = 1;
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
  GpuSharing sharing{};                   // how its GPUs are shared (none: whole GPUs)
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
  // Shared pools only: per GPU index its tenants, or the MIG devices of every GPU.
  // A GPU with any tenant or used MIG device counts as requested and not free.
  SharingMode sharing = SharingMode::none;  // the pool's (its parameters stay with the pool)
  std::vector<SharedGpu> shared;
  std::vector<MigDevice> mig;
  std::uint32_t mig_reconfiguring = 0;  // bit g: GPU g's free instances are being re-created

  Resources free() const { return allocatable - requested; }
  const std::string& gpu_model() const { return type->gpu_model; }
};

// The GPU constraints of a pod that asks for GPUs: model ("A|B") and memory per GPU.
bool meets_gpu_constraints(const PodSpec& p, const InstanceType& t);

// Sets up a new node's shared GPUs or MIG devices from its pool (cluster_sharing.cpp).
void init_gpu_devices(Node& n, const NodePool& pool);
// GPU memory a pod uses on each of its GPUs (its gpu_memory_mib spread evenly).
std::int64_t memory_per_gpu(const PodSpec& p);

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
  // `demand`: the compute the pod would use alone, for shared GPUs' contention.
  std::uint32_t bind(NodeId id, PodRef ref, const PodSpec& p, std::int32_t priority, sim::SimTime now,
                     double demand = 1.0);
  // The pod leaves at `now`.
  void unbind(NodeId id, PodRef ref, sim::SimTime now);
  // Undoes a bind made in the same instant that did not stand (a gang that did
  // not fit whole, a what-if): the node's pods_changed is left as it was.
  void unassume(NodeId id, PodRef ref);

  // A copy of `n` as it would be without the pods `gone` (shared GPUs and MIG
  // instances included): what-ifs such as preemption's.
  Node without(const Node& n, const std::vector<BoundPod>& gone) const;

  // Largest free GPU count on any node: a pod needing more fits nowhere.
  int max_free_gpus() const;
  // False when `p` fits no node now (a quick test before a scan of the nodes).
  bool may_fit(const PodSpec& p) const { return sharing_pools_ > 0 || p.whole_gpus() <= max_free_gpus(); }

  // Shared GPUs (cluster_sharing.cpp). GPUs `p` is charged for on node `n`.
  double gpu_share(const Node& n, const PodSpec& p) const;
  // Starts a bound pod on its shared GPUs: false when it runs out of GPU memory
  // (it crosses the GPU's memory without isolation, or its MPS or MIG limit) and
  // stays stopped. Whole GPUs always start.
  bool start_pod(NodeId id, PodRef ref, const PodSpec& p);
  // The pod crashed or is leaving: its GPU memory is free, it takes no compute.
  void stop_pod(NodeId id, PodRef ref);
  // Its progress rate from GPU sharing: 1 on whole GPUs, less where it gets less
  // compute than it would use alone; 0 when stopped.
  double sharing_rate(NodeId id, PodRef ref) const;
  // Pods whose speed changes when this one starts, stops or leaves: its
  // neighbours on time-sliced or fractional GPUs (none elsewhere).
  std::vector<PodRef> gpu_neighbours(NodeId id, PodRef ref) const;
  // MIG repartitioning: the free instances `slots` (bits of node.mig) are
  // destroyed and GPU `gpu` is marked reconfiguring; later, `add` (profiles at
  // their starts) are created on it and it is done. add_mig_instances returns
  // false, adding nothing, when the node has no room left to track them.
  void begin_mig_reconfiguration(NodeId id, int gpu, std::uint64_t slots);
  bool add_mig_instances(NodeId id, int gpu, const std::vector<MigInstance>& add);
  int max_gpus_per_node() const { return max_gpus_; }
  // GPUs on running nodes (booting, ready or draining): what is being paid for.
  std::int64_t gpus_total() const { return gpus_total_; }
  std::int64_t nodes_running() const { return nodes_running_; }
  std::int64_t gpus_allocated() const { return gpus_allocated_; }

 private:
  void histogram_move(const Node& n, int from_free);
  BoundPod remove_pod(NodeId id, PodRef ref);
  bool fits_shared(const Node& n, const PodSpec& p) const;
  std::uint32_t bind_shared(Node& n, BoundPod& b, const PodSpec& p, double demand);
  void release_shared(Node& n, const BoundPod& b) const;
  void recount_busy(Node& n) const;  // requested GPUs and free mask from the devices
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
  int sharing_pools_ = 0;
  std::int64_t gpus_total_ = 0;
  std::int64_t nodes_running_ = 0;
  std::int64_t gpus_allocated_ = 0;
};

}  // namespace fleetsim::models
