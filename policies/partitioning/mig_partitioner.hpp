#pragma once
// How MIG layouts follow demand: a partitioner looks at the MIG instances that
// pending pods ask for and decides which GPUs of MIG `mixed` pools to
// re-partition. The world destroys the chosen free instances at once and
// creates the new ones after the partitioner's reconfiguration delay. A GPU's
// instances that pods are using are never touched.
#include <cstdint>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

// One GPU's new instances: destroy the free instances `remove` (bits of
// node.mig), then create `add` (profiles at their memory-slice starts).
struct MigRepartition {
  models::NodeId node = 0;
  int gpu = 0;
  std::uint64_t remove = 0;
  std::vector<models::MigInstance> add;
};

class MigPartitioner {
 public:
  virtual ~MigPartitioner() = default;
  // False for a partitioner that never changes a layout: the world then does
  // not batch pending pods for it.
  virtual bool dynamic() const = 0;
  // Pending pods are batched as nos's GPU partitioner batches them: a plan is
  // made once no new pending pod has appeared for batch_idle, or batch_timeout
  // after the batch began.
  virtual sim::SimTime batch_idle() const { return 0; }
  virtual sim::SimTime batch_timeout() const { return 0; }
  // Time from destroying the old instances to the new ones being advertised.
  virtual sim::SimTime reconfigure_delay() const { return 0; }
  // `pending`: the MIG profile of each pending pod, in queue order.
  virtual std::vector<MigRepartition> plan(const models::Cluster& cluster,
                                           const std::vector<std::string>& pending) = 0;
};

using MigPartitionerRegistry = Registry<MigPartitioner>;

}  // namespace fleetsim::policies
