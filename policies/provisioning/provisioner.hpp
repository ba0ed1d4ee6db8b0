#pragma once
// How capacity follows demand. The world calls reconcile() every period() with a
// read-only view of the cluster and the jobs that could not be placed; the
// provisioner answers with nodes to launch and nodes to remove. The world applies
// them: launches go through the node lifecycle (launch delay, boot delay, launch
// failures), removals cordon the node, evict its pods and terminate it.
#include <span>
#include <utility>
#include <vector>

#include "models/cluster.hpp"
#include "sim/rng.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

struct PendingJob {
  const models::Job* job = nullptr;
  sim::SimTime pending_since = 0;  // arrival, or return to the queue after an eviction
  // Pods already running: an elastic job runs with some of its pods placed and
  // the rest Pending. Only job->pods[placed..] are unschedulable.
  std::uint32_t placed = 0;
  std::span<const models::PodSpec> pending_pods() const { return std::span(job->pods).subspan(placed); }
};

struct ProvisioningView {
  const models::Cluster& cluster;
  // Queued jobs that did not fit at the last scheduling cycle, in queue order.
  const std::vector<PendingJob>& unschedulable;
  sim::SimTime now;
  // Running jobs, indexed by JobId (null where not running), so a provisioner
  // can look up the job of a bound pod (e.g. its safe-to-evict label).
  const std::vector<const models::Job*>& running;
  // Changes whenever `unschedulable` does, so a provisioner polled every second
  // can skip re-reading an unchanged list; 0 = unknown (always re-read).
  std::uint64_t unschedulable_version = 0;
};

// The pod annotation that blocks Cluster Autoscaler scale-down, read from job labels.
inline constexpr const char* kSafeToEvictLabel = "cluster-autoscaler.kubernetes.io/safe-to-evict";

struct ProvisioningActions {
  std::vector<std::pair<models::PoolId, int>> launch;  // pool, node count
  std::vector<models::NodeId> remove;                  // drain and terminate
};

class Provisioner {
 public:
  virtual ~Provisioner() = default;
  // How often reconcile() runs; 0 = only when the provider takes a node away.
  virtual sim::SimTime period() const = 0;
  // `rng` is the provisioner's own stream ("provisioning"), for random tie-breaks.
  virtual void reconcile(const ProvisioningView& view, sim::Rng& rng, ProvisioningActions& actions) = 0;
};

using ProvisionerRegistry = Registry<Provisioner>;

// An empty, ready node of `pool` that is not in the cluster: what a scale-up
// would add (scale-from-zero templates).
models::Node template_node(const models::Cluster& cluster, models::PoolId pool);

}  // namespace fleetsim::policies
