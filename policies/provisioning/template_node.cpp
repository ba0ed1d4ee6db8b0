#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {

models::Node template_node(const models::Cluster& cluster, models::PoolId pool) {
  const models::NodePool& p = cluster.pools().at(pool);
  models::Node n;
  n.id = UINT32_MAX;
  n.pool = pool;
  n.type = p.type;
  n.name = p.name + "-template";
  n.allocatable = models::allocatable_for(*p.type);
  n.free_gpu_mask = p.type->gpus >= 32 ? 0xFFFFFFFFu : ((1u << p.type->gpus) - 1u);
  n.usd_per_hour = p.usd_per_hour;
  n.state = models::NodeState::ready;
  n.launched = n.ready_at = 0;
  models::init_gpu_devices(n, p);
  return n;
}

}  // namespace fleetsim::policies
