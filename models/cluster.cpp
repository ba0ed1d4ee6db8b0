#include "models/cluster.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace fleetsim::models {

const char* to_string(NodeState s) {
  switch (s) {
    case NodeState::launching: return "launching";
    case NodeState::booting: return "booting";
    case NodeState::ready: return "ready";
    case NodeState::draining: return "draining";
    case NodeState::terminated: return "terminated";
  }
  return "?";
}

PoolId Cluster::add_pool(NodePool pool) {
  if (pool.sharing.shares()) ++sharing_pools_;
  pools_.push_back(std::move(pool));
  pool_counts_.emplace_back();
  return static_cast<PoolId>(pools_.size() - 1);
}

const GpuTopology* Cluster::topology_for(const InstanceType* t) {
  for (auto& [type, topo] : topologies_)
    if (type == t) return topo.get();
  topologies_.emplace_back(t, std::make_shared<const GpuTopology>(GpuTopology::build(t->gpus, t->interconnect)));
  return topologies_.back().second.get();
}

NodeId Cluster::add_node(PoolId pool, sim::SimTime now, int max_pods, NodeState state) {
  const NodePool& p = pools_.at(pool);
  Node n;
  n.id = static_cast<NodeId>(nodes_.size());
  n.pool = pool;
  n.type = p.type;
  n.topology = topology_for(p.type);
  n.name = p.name + "-" + std::to_string(n.id);
  n.allocatable = allocatable_for(*p.type, max_pods);
  n.max_pods = max_pods;
  n.free_gpu_mask = p.type->gpus >= 32 ? 0xFFFFFFFFu : ((1u << p.type->gpus) - 1u);
  n.usd_per_hour = p.usd_per_hour;
  n.requested_at = now;
  n.state = NodeState::launching;
  init_gpu_devices(n, p);
  nodes_.push_back(std::move(n));
  live_.push_back(nodes_.back().id);
  pool_counts_[pool].live++;
  pool_counts_[pool].by_state[static_cast<int>(NodeState::launching)]++;
  changes_.push_back(nodes_.back().id);
  ++node_version_;
  max_gpus_ = std::max(max_gpus_, p.type->gpus);
  const NodeId id = nodes_.back().id;
  if (state != NodeState::launching) set_state(id, NodeState::booting, now);
  if (state == NodeState::ready) set_state(id, NodeState::ready, now);
  return id;
}

void Cluster::set_state(NodeId id, NodeState state, sim::SimTime now) {
  Node& n = nodes_.at(id);
  if (state <= n.state) throw std::logic_error("node " + n.name + " cannot go from " + to_string(n.state) + " to " + to_string(state));
  if (state == NodeState::terminated && !n.pods.empty())
    throw std::logic_error("node " + n.name + " terminated with pods bound");
  const bool was_running = n.state >= NodeState::booting;
  if (n.state == NodeState::ready) free_hist_[n.free().gpus]--;
  if (!was_running && state != NodeState::terminated) {
    n.launched = now;
    gpus_total_ += n.allocatable.gpus;
    nodes_running_++;
  }
  if (state == NodeState::ready) {
    n.ready_at = now;
    free_hist_[n.free().gpus]++;
  }
  if (state == NodeState::terminated) {
    n.terminated = now;
    if (was_running) {
      gpus_total_ -= n.allocatable.gpus;
      nodes_running_--;
    }
  }
  auto up = [](NodeState st) { return st == NodeState::booting || st == NodeState::ready; };
  pool_counts_[n.pool].up += static_cast<int>(up(state)) - static_cast<int>(up(n.state));
  pool_counts_[n.pool].by_state[static_cast<int>(n.state)]--;
  if (state != NodeState::terminated) pool_counts_[n.pool].by_state[static_cast<int>(state)]++;
  changes_.push_back(id);
  if (state == NodeState::terminated) {
    pool_counts_[n.pool].live--;
    live_.erase(std::lower_bound(live_.begin(), live_.end(), id));
  }
  n.state = state;
  ++node_version_;
}

bool meets_gpu_constraints(const PodSpec& p, const InstanceType& t) {
  const int g = p.whole_gpus();
  if (g == 0) return true;
  if (!p.accepts_model(t.gpu_model)) return false;
  return !(p.gpu_memory_mib > 0 && t.gpu_memory_gib > 0 &&
           static_cast<double>(p.gpu_memory_mib) > t.gpu_memory_gib * 1024.0 * g);
}

bool Cluster::fits(const Node& n, const PodSpec& p) const {
  if (n.state != NodeState::ready) return false;
  if (static_cast<int>(n.pods.size()) >= n.max_pods) return false;
  if (n.sharing != SharingMode::none) {
    if (!n.free().covers(Resources{p.cpu_milli, p.memory_mib, 0})) return false;
    return fits_shared(n, p);
  }
  if (!p.mig_profile.empty()) return false;  // no node without MIG advertises a MIG resource
  const int g = p.whole_gpus();
  Resources need{p.cpu_milli, p.memory_mib, g};
  if (!n.free().covers(need)) return false;
  if (!meets_gpu_constraints(p, *n.type)) return false;
  return true;
}

void Cluster::histogram_move(const Node& n, int from_free) {
  if (n.state != NodeState::ready) return;  // only schedulable nodes are counted
  free_hist_[from_free]--;
  free_hist_[n.free().gpus]++;
}

std::uint32_t Cluster::bind(NodeId id, PodRef ref, const PodSpec& p, std::int32_t priority,
                            sim::SimTime now, double demand) {
  Node& n = nodes_.at(id);
  if (!fits(n, p)) throw std::logic_error("bind: pod does not fit on " + n.name);
  if (n.sharing != SharingMode::none) {
    const int before = n.free().gpus;
    const std::int32_t busy_before = n.requested.gpus;
    BoundPod b{ref, Resources{p.cpu_milli, p.memory_mib, 0}, 0, priority, now, n.pods_changed};
    b.gpu_share = gpu_share(n, p);
    b.gpu_mask = bind_shared(n, b, p, demand);
    n.requested += b.request;
    n.pods.push_back(b);
    n.pods_changed = now;
    ++pod_version_;
    changes_.push_back(id);
    recount_busy(n);
    gpus_allocated_ += n.requested.gpus - busy_before;
    histogram_move(n, before);
    return b.gpu_mask;
  }
  const int g = p.whole_gpus();
  std::uint32_t mask = 0;
  if (g > 0) {
    // Like the NVIDIA device plugin's preferred allocation: an NVLinked set first.
    mask = g > 1 ? n.topology->nvlinked_subset(n.free_gpu_mask, g) : 0;
    if (mask == 0) {
      std::uint32_t free = n.free_gpu_mask;
      for (int i = 0; i < g; ++i) {
        std::uint32_t low = free & (~free + 1u);
        mask |= low;
        free &= ~low;
      }
    }
  }
  const int before = n.free().gpus;
  Resources req{p.cpu_milli, p.memory_mib, g};
  n.requested += req;
  n.free_gpu_mask &= ~mask;
  n.pods.push_back(BoundPod{ref, req, mask, priority, now, n.pods_changed, static_cast<double>(g)});
  n.pods_changed = now;
  ++pod_version_;
  changes_.push_back(id);
  histogram_move(n, before);
  gpus_allocated_ += g;
  return mask;
}

BoundPod Cluster::remove_pod(NodeId id, PodRef ref) {
  Node& n = nodes_.at(id);
  auto it = std::find_if(n.pods.begin(), n.pods.end(), [&](const BoundPod& b) { return b.ref == ref; });
  if (it == n.pods.end()) throw std::logic_error("unbind: pod not on " + n.name);
  const BoundPod gone = *it;
  const int before = n.free().gpus;
  n.requested -= it->request;
  if (n.sharing != SharingMode::none) {
    const std::int32_t busy_before = n.requested.gpus;
    release_shared(n, gone);
    recount_busy(n);
    gpus_allocated_ += n.requested.gpus - busy_before;
  } else {
    n.free_gpu_mask |= it->gpu_mask;
    gpus_allocated_ -= it->request.gpus;
  }
  *it = n.pods.back();
  n.pods.pop_back();
  ++pod_version_;
  ++unbind_version_;
  changes_.push_back(id);
  histogram_move(n, before);
  return gone;
}

void Cluster::unbind(NodeId id, PodRef ref, sim::SimTime now) {
  remove_pod(id, ref);
  nodes_[id].pods_changed = now;
}

void Cluster::unassume(NodeId id, PodRef ref) {
  const BoundPod gone = remove_pod(id, ref);
  nodes_[id].pods_changed = gone.node_changed_before;
}

int Cluster::max_free_gpus() const {
  for (int g = max_gpus_; g > 0; --g)
    if (free_hist_[g] > 0) return g;
  return 0;
}

}  // namespace fleetsim::models
