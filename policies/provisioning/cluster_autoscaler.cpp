#include "policies/provisioning/cluster_autoscaler.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "policies/provisioning/sim_pod.hpp"
#include "sim/rng.hpp"
#include "util/input_error.hpp"

namespace fleetsim::policies {

using models::NodeState;

// ---------------------------------------------------------------------------
// Parameters

std::vector<ParamSpec> cluster_autoscaler_params() {
  return {
      {"scan_interval", ParamKind::duration, "10s", "--scan-interval: how often the loop runs"},
      {"expander", ParamKind::text, "least-waste",
       "--expander: comma-separated chain of random, most-pods, least-waste, least-nodes, price, priority "
       "(a tie left at the end is broken at random)"},
      {"priorities", ParamKind::text, "",
       "priority expander ConfigMap as value:regex pairs separated by ';', e.g. \"50:.*spot.*;10:.*\" "
       "(regexes match node-pool names; highest value wins)"},
      {"scale_down_enabled", ParamKind::boolean, "true", "--scale-down-enabled"},
      {"scale_down_utilization_threshold", ParamKind::number, "0.5",
       "--scale-down-utilization-threshold: non-GPU node is a candidate if max(cpu, memory) requests < this", 0, 1},
      {"scale_down_gpu_utilization_threshold", ParamKind::number, "0.5",
       "--scale-down-gpu-utilization-threshold: GPU node is a candidate if GPU requests < this", 0, 1},
      {"scale_down_unneeded_time", ParamKind::duration, "10m",
       "--scale-down-unneeded-time: how long a node must be unneeded before removal"},
      {"scale_down_delay_after_add", ParamKind::duration, "10m",
       "--scale-down-delay-after-add: no scale-down this long after any scale-up"},
      {"scale_down_delay_after_delete", ParamKind::duration, "0s",
       "--scale-down-delay-after-delete: no scale-down this long after a scale-down deletion"},
      {"max_node_provision_time", ParamKind::duration, "15m",
       "--max-node-provision-time: a node not Ready this long after its request is removed and its pool backed off"},
      {"initial_node_group_backoff", ParamKind::duration, "5m", "--initial-node-group-backoff-duration"},
      {"max_node_group_backoff", ParamKind::duration, "30m", "--max-node-group-backoff-duration"},
      {"node_group_backoff_reset", ParamKind::duration, "3h", "--node-group-backoff-reset-timeout"},
      {"max_scale_down_parallelism", ParamKind::integer, "10",
       "--max-scale-down-parallelism: node deletions in flight (empty and drained)", 1, 1e6},
      {"max_drain_parallelism", ParamKind::integer, "1",
       "--max-drain-parallelism: deletions in flight of nodes with pods to evict", 1, 1e6},
      {"max_nodes_total", ParamKind::integer, "0", "--max-nodes-total (0 = unlimited)", 0, 1e9},
      {"expendable_pods_priority_cutoff", ParamKind::integer, "-10",
       "--expendable-pods-priority-cutoff: pods of lower priority neither trigger scale-up nor block scale-down",
       -2e9, 2e9},
  };
}

ClusterAutoscalerConfig cluster_autoscaler_config(const Params& p) {
  ClusterAutoscalerConfig c;
  c.scan_interval = p.duration("scan_interval");
  if (c.scan_interval <= 0) throw InputError("cluster-autoscaler: scan_interval: expected a positive duration");
  c.expanders = parse_expander_chain(p.text("expander"));
  c.priorities = parse_priorities(p.text("priorities"));
  c.scale_down_enabled = p.boolean("scale_down_enabled");
  c.scale_down_utilization_threshold = p.number("scale_down_utilization_threshold");
  c.scale_down_gpu_utilization_threshold = p.number("scale_down_gpu_utilization_threshold");
  c.scale_down_unneeded_time = p.duration("scale_down_unneeded_time");
  c.scale_down_delay_after_add = p.duration("scale_down_delay_after_add");
  c.scale_down_delay_after_delete = p.duration("scale_down_delay_after_delete");
  c.max_node_provision_time = p.duration("max_node_provision_time");
  c.initial_node_group_backoff = p.duration("initial_node_group_backoff");
  c.max_node_group_backoff = p.duration("max_node_group_backoff");
  c.node_group_backoff_reset = p.duration("node_group_backoff_reset");
  c.max_scale_down_parallelism = static_cast<int>(p.integer("max_scale_down_parallelism"));
  c.max_drain_parallelism = static_cast<int>(p.integer("max_drain_parallelism"));
  c.max_nodes_total = static_cast<int>(p.integer("max_nodes_total"));
  c.expendable_pods_priority_cutoff = p.integer("expendable_pods_priority_cutoff");
  return c;
}

double ca_utilization(const models::Resources& alloc, const models::Resources& req) {
  if (alloc.gpus > 0) return static_cast<double>(req.gpus) / alloc.gpus;
  const double cpu = alloc.cpu_milli > 0 ? static_cast<double>(req.cpu_milli) / static_cast<double>(alloc.cpu_milli) : 0;
  const double mem =
      alloc.memory_mib > 0 ? static_cast<double>(req.memory_mib) / static_cast<double>(alloc.memory_mib) : 0;
  return std::max(cpu, mem);
}

// ---------------------------------------------------------------------------
// The simulated cluster: copies of free capacity, changed by what CA simulates.

namespace {

// A node as the simulation sees it: its free capacity, and the pods the
// simulation put there.
struct Slot : FreeCapacity {
  models::NodeId id = 0;
  models::PoolId pool = 0;
  const models::InstanceType* type = nullptr;
  models::Resources allocatable;
  bool ready = false;  // else launching or booting (upcoming capacity)
  bool gone = false;   // removed in this tick's simulation: takes no pods
  std::vector<SimPod> extra;  // pending pods placed here, then pods the scale-down simulation moved here
  std::size_t pending = 0;    // how many of `extra` are pending pods

  bool fits(const SimPod& p) const { return !gone && FreeCapacity::fits(*type, p); }
};

// First fit with a memo. Free capacity only shrinks while pods are added, so a
// pod shaped like an earlier one (same requests and GPU constraints) cannot fit
// before the slot that one went to: its search starts there. Keeps a long queue
// of same-shaped pods linear instead of quadratic.
class FirstFit {
 public:
  // The first slot from the memo on with ok(slot) and room for `p`, or slots.size().
  template <class Ok>
  std::size_t find(const std::vector<Slot>& slots, const SimPod& p, Ok ok) {
    std::size_t& i = start_[key(p)];
    while (i < slots.size() && !(ok(slots[i]) && slots[i].fits(p))) ++i;
    return i;
  }

 private:
  using Key = std::tuple<std::int64_t, std::int64_t, std::int32_t, std::string_view, std::int64_t>;
  static Key key(const SimPod& p) {
    return {p.need.cpu_milli, p.need.memory_mib, p.need.gpus, p.spec ? std::string_view(p.spec->gpu_model) : "",
            p.spec ? p.spec->gpu_memory_mib : 0};
  }
  std::map<Key, std::size_t> start_;

 public:
  // Slot `i` got capacity back: no memo may point past it.
  void reopen(std::size_t i) {
    for (auto& [k, start] : start_) start = std::min(start, i);
  }
};

Slot template_slot(const models::Cluster& c, models::PoolId pool) {
  const models::Node n = template_node(c, pool);
  Slot s;
  s.id = n.id;
  s.pool = pool;
  s.type = n.type;
  s.allocatable = s.free = n.allocatable;
  s.pods_free = n.max_pods;
  s.ready = true;
  return s;
}

// Pods sorted for the binpacking estimator: decreasing GPUs, then cpu, then memory.
bool larger(const models::PodSpec& a, const models::PodSpec& b) {
  if (a.whole_gpus() != b.whole_gpus()) return a.whole_gpus() > b.whole_gpus();
  if (a.cpu_milli != b.cpu_milli) return a.cpu_milli > b.cpu_milli;
  return a.memory_mib > b.memory_mib;
}

}  // namespace

struct ClusterAutoscaler::Snapshot {
  std::vector<Slot> slots;      // ready and upcoming nodes not being removed, in node order
  std::vector<int> pool_nodes;  // per pool: launching, booting or ready nodes not being removed
  int total_nodes = 0;          // non-terminated nodes (for max_nodes_total)
};

struct ClusterAutoscaler::PendingPod {
  std::size_t job = 0;  // index into view.unschedulable
  const models::PodSpec* spec = nullptr;
};

// ---------------------------------------------------------------------------
// The loop

std::optional<sim::SimTime> ClusterAutoscaler::unneeded_since(models::NodeId node) const {
  auto it = unneeded_.find(node);
  return it == unneeded_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<sim::SimTime> ClusterAutoscaler::backoff_until(models::PoolId pool) const {
  auto it = backoff_.find(pool);
  return it == backoff_.end() ? std::nullopt : std::optional(it->second.until);
}

sim::SimTime ClusterAutoscaler::backoff_duration(models::PoolId pool) const {
  auto it = backoff_.find(pool);
  return it == backoff_.end() ? 0 : it->second.duration;
}

void ClusterAutoscaler::reconcile(const ProvisioningView& v, sim::Rng& rng, ProvisioningActions& a) {
  forget_finished(v.cluster, v.now);
  provision_timeouts(v, a);

  Snapshot s;
  s.pool_nodes.assign(v.cluster.pools().size(), 0);
  for (models::NodeId id : v.cluster.live()) {
    const models::Node& n = v.cluster.node(id);
    ++s.total_nodes;
    if (n.state == NodeState::draining || removing_.count(n.id)) continue;
    ++s.pool_nodes.at(n.pool);
    Slot slot;
    slot.id = n.id;
    slot.pool = n.pool;
    slot.type = n.type;
    slot.allocatable = n.allocatable;
    slot.free = n.free();
    slot.pods_free = n.max_pods - static_cast<int>(n.pods.size());
    slot.ready = n.state == NodeState::ready;
    s.slots.push_back(std::move(slot));
  }

  std::vector<PendingPod> pods = place_on_existing(v, s);
  scale_up(v, s, pods, rng, a);
  scale_down(v, s, a);
}

// Drops bookkeeping of terminated nodes and stale backoffs
// (utils/backoff: RemoveStaleBackoffData). A removal is in flight while its node
// drains; one the world declined (the node is still up) is forgotten, so the
// node is judged afresh.
void ClusterAutoscaler::forget_finished(const models::Cluster& c, sim::SimTime now) {
  for (auto it = removing_.begin(); it != removing_.end();)
    it = c.node(it->first).state != NodeState::draining ? removing_.erase(it) : std::next(it);
  for (auto it = unneeded_.begin(); it != unneeded_.end();)
    it = c.node(it->first).state == NodeState::terminated ? unneeded_.erase(it) : std::next(it);
  for (auto it = backoff_.begin(); it != backoff_.end();)
    it = it->second.last_failure + cfg_.node_group_backoff_reset < now ? backoff_.erase(it) : std::next(it);
}

// --max-node-provision-time: a node still launching or booting that long after
// its request is a failed scale-up: delete it and back off its group.
void ClusterAutoscaler::provision_timeouts(const ProvisioningView& v, ProvisioningActions& a) {
  std::vector<models::PoolId> failed;
  for (models::NodeId id : v.cluster.live()) {
    const models::Node& n = v.cluster.node(id);
    if (n.state != NodeState::launching && n.state != NodeState::booting) continue;
    if (removing_.count(n.id) || v.now - n.requested_at < cfg_.max_node_provision_time) continue;
    a.remove.push_back(n.id);
    removing_[n.id] = Removal::provision_timeout;
    if (std::find(failed.begin(), failed.end(), n.pool) == failed.end()) failed.push_back(n.pool);
  }
  for (models::PoolId p : failed) back_off(p, v.now);
}

// utils/backoff/exponential_backoff.go: initial duration, doubled (up to the
// maximum) when the group fails again after its backoff ended.
void ClusterAutoscaler::back_off(models::PoolId pool, sim::SimTime now) {
  sim::SimTime d = cfg_.initial_node_group_backoff;
  auto it = backoff_.find(pool);
  if (it != backoff_.end()) {
    d = it->second.duration;
    if (it->second.until < now) d = std::min(2 * d, cfg_.max_node_group_backoff);
  }
  backoff_[pool] = Backoff{d, now + d, now};
}

bool ClusterAutoscaler::backed_off(models::PoolId pool, sim::SimTime now) const {
  auto it = backoff_.find(pool);
  return it != backoff_.end() && it->second.until > now;
}

// FilterOutSchedulable: pending pods that fit in free capacity of ready nodes, or
// of nodes still coming up, need no new node. They are placed there in the
// snapshot (on ready nodes they also count for scale-down); the rest is returned.
std::vector<ClusterAutoscaler::PendingPod> ClusterAutoscaler::place_on_existing(const ProvisioningView& v,
                                                                                Snapshot& s) const {
  std::vector<PendingPod> rest;
  // Largest free amounts on any node: an upper bound that only falls, so a pod
  // above it skips the scan (a long queue on a full cluster stays cheap).
  models::Resources most;
  for (const auto& slot : s.slots) {
    if (slot.pods_free <= 0) continue;
    most.cpu_milli = std::max(most.cpu_milli, slot.free.cpu_milli);
    most.memory_mib = std::max(most.memory_mib, slot.free.memory_mib);
    most.gpus = std::max(most.gpus, slot.free.gpus);
  }
  FirstFit on_ready, on_upcoming;
  for (std::size_t k = 0; k < v.unschedulable.size(); ++k) {
    const models::Job* job = v.unschedulable[k].job;
    if (!job || job->priority < cfg_.expendable_pods_priority_cutoff) continue;
    for (const auto& spec : v.unschedulable[k].pending_pods()) {
      const SimPod p = sim_pod(spec);
      Slot* where = nullptr;
      if (most.covers(p.need)) {
        std::size_t i = on_ready.find(s.slots, p, [](const Slot& x) { return x.ready; });
        if (i == s.slots.size()) i = on_upcoming.find(s.slots, p, [](const Slot& x) { return !x.ready; });
        if (i < s.slots.size()) where = &s.slots[i];
      }
      if (!where) {
        rest.push_back({k, &spec});
        continue;
      }
      where->take(p);
      if (where->ready) {
        where->extra.push_back(p);
        where->pending++;
      }
    }
  }
  return rest;
}

void ClusterAutoscaler::scale_up(const ProvisioningView& v, Snapshot& s, std::vector<PendingPod>& pods,
                                 sim::Rng& rng, ProvisioningActions& a) {
  if (pods.empty()) return;
  std::stable_sort(pods.begin(), pods.end(),
                   [](const PendingPod& x, const PendingPod& y) { return larger(*x.spec, *y.spec); });
  const auto& pools = v.cluster.pools();
  std::vector<ScaleUpOption> options;
  for (models::PoolId pool = 0; pool < pools.size(); ++pool) {
    const models::NodePool& np = pools[pool];
    // Karpenter offerings are not node groups: the Cluster Autoscaler leaves them alone.
    if (!np.type || !np.nodepool.empty() || backed_off(pool, v.now)) continue;
    int cap = np.max - v.cluster.pool_size(pool);
    if (cfg_.max_nodes_total > 0) cap = std::min(cap, cfg_.max_nodes_total - s.total_nodes);
    if (cap <= 0) continue;

    const Slot empty = template_slot(v.cluster, pool);
    // Only jobs whose every pod fits an empty node of this group (whole gangs).
    std::vector<std::int8_t> fits_here(v.unschedulable.size(), -1);  // -1 = not checked yet
    auto job_fits = [&](std::size_t k) {
      if (fits_here[k] < 0) {
        const auto job_pods = v.unschedulable[k].pending_pods();
        fits_here[k] = std::all_of(job_pods.begin(), job_pods.end(),
                                   [&](const models::PodSpec& p) { return empty.fits(sim_pod(p)); });
      }
      return fits_here[k] == 1;
    };

    // Binpacking estimator: first fit onto new nodes, opening one when none fits.
    ScaleUpOption option;
    option.pool = pool;
    std::vector<Slot> fresh;
    FirstFit first_fit;
    for (const auto& pp : pods) {
      if (!job_fits(pp.job)) continue;
      const SimPod p = sim_pod(*pp.spec);
      const std::size_t i = first_fit.find(fresh, p, [](const Slot&) { return true; });
      if (i == fresh.size()) {
        if (static_cast<int>(fresh.size()) >= cap) continue;
        fresh.push_back(empty);
      }
      fresh[i].take(p);
      option.pods.push_back(pp.spec);
    }
    option.node_count = static_cast<int>(fresh.size());
    if (option.node_count > 0) options.push_back(std::move(option));
  }
  if (options.empty()) return;

  const ScaleUpOption& best = options[choose_option(cfg_.expanders, cfg_.priorities, v.cluster, options, rng)];
  a.launch.emplace_back(best.pool, best.node_count);
  last_scale_up_ = v.now;
}

void ClusterAutoscaler::scale_down(const ProvisioningView& v, Snapshot& s, ProvisioningActions& a) {
  if (!cfg_.scale_down_enabled) {
    unneeded_.clear();
    return;
  }
  const models::Cluster& c = v.cluster;
  auto job_of = [&](models::JobId id) -> const models::Job* {
    return id < v.running.size() ? v.running[id] : nullptr;
  };

  // Candidates: ready, below the threshold, no blocking pod, group above min.
  struct Candidate {
    std::size_t slot;
    double util;
    bool empty;
  };
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < s.slots.size(); ++i) {
    const Slot& slot = s.slots[i];
    if (!slot.ready) continue;
    const models::Node& n = c.node(slot.id);
    const double util = ca_utilization(slot.allocatable, slot.allocatable - slot.free);
    const double threshold =
        slot.allocatable.gpus > 0 ? cfg_.scale_down_gpu_utilization_threshold : cfg_.scale_down_utilization_threshold;
    if (util >= threshold || s.pool_nodes[slot.pool] <= c.pools()[slot.pool].min) continue;
    bool blocked = false, empty = slot.pending == 0;
    for (const auto& bp : n.pods) {
      if (bp.priority < cfg_.expendable_pods_priority_cutoff) continue;
      empty = false;
      const models::Job* j = job_of(bp.ref.job);
      if (!j) continue;
      auto it = j->labels.find(kSafeToEvictLabel);
      if (it != j->labels.end() && it->second == "false") blocked = true;
    }
    if (!blocked) candidates.push_back({i, util, empty});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.empty != y.empty) return x.empty;
    return x.util < y.util;
  });

  // Removal simulation: every pod of a candidate must fit on another node that is
  // not itself being removed; the moves are kept for the next candidates.
  std::map<models::NodeId, sim::SimTime> still;
  std::vector<std::pair<std::size_t, SimPod>> moved;
  FirstFit first_fit;  // rewound to the slots a failed try gives capacity back to
  for (const Candidate& cand : candidates) {
    Slot& slot = s.slots[cand.slot];
    std::vector<SimPod> to_move = slot.extra;
    for (const auto& bp : c.node(slot.id).pods) {
      if (bp.priority < cfg_.expendable_pods_priority_cutoff) continue;
      const models::Job* j = job_of(bp.ref.job);
      const models::PodSpec* spec = j && bp.ref.pod < j->pods.size() ? &j->pods[bp.ref.pod] : nullptr;
      to_move.push_back({bp.request, spec});
    }
    slot.gone = true;
    moved.clear();
    bool ok = true;
    for (const SimPod& p : to_move) {
      const std::size_t dest = first_fit.find(s.slots, p, [](const Slot& x) { return x.ready; });
      if (dest == s.slots.size()) {
        ok = false;
        break;
      }
      s.slots[dest].take(p);
      s.slots[dest].extra.push_back(p);
      moved.emplace_back(dest, p);
    }
    if (!ok) {
      std::size_t lowest = cand.slot;
      for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
        s.slots[it->first].give_back(it->second);
        s.slots[it->first].extra.pop_back();
        lowest = std::min(lowest, it->first);
      }
      first_fit.reopen(lowest);
      slot.gone = false;
      continue;
    }
    auto prev = unneeded_.find(slot.id);
    still[slot.id] = prev == unneeded_.end() ? v.now : prev->second;
  }
  unneeded_ = std::move(still);  // a node that failed any condition starts over

  // Deletion: outside the cool-down windows, nodes unneeded long enough, oldest
  // first, within the parallelism limits and never below the group's min.
  if (last_scale_up_ && v.now < *last_scale_up_ + cfg_.scale_down_delay_after_add) return;
  if (last_delete_ && v.now < *last_delete_ + cfg_.scale_down_delay_after_delete) return;
  int in_flight = 0, draining = 0;
  for (const auto& [id, why] : removing_) {
    in_flight += why != Removal::provision_timeout;
    draining += why == Removal::drain;
  }
  std::vector<Candidate> due;
  for (const Candidate& cand : candidates) {
    auto it = unneeded_.find(s.slots[cand.slot].id);
    if (it != unneeded_.end() && v.now - it->second >= cfg_.scale_down_unneeded_time) due.push_back(cand);
  }
  std::stable_sort(due.begin(), due.end(), [&](const Candidate& x, const Candidate& y) {
    if (x.empty != y.empty) return x.empty;
    return unneeded_[s.slots[x.slot].id] < unneeded_[s.slots[y.slot].id];
  });
  for (const Candidate& cand : due) {
    const Slot& slot = s.slots[cand.slot];
    if (in_flight >= cfg_.max_scale_down_parallelism) break;
    if (!cand.empty && draining >= cfg_.max_drain_parallelism) continue;
    if (s.pool_nodes[slot.pool] <= c.pools()[slot.pool].min) continue;
    a.remove.push_back(slot.id);
    removing_[slot.id] = cand.empty ? Removal::empty : Removal::drain;
    unneeded_.erase(slot.id);
    --s.pool_nodes[slot.pool];
    ++in_flight;
    draining += !cand.empty;
    last_delete_ = v.now;
  }
}

// ---------------------------------------------------------------------------

namespace {
const bool registered = ProvisionerRegistry::instance().add(
    {"cluster-autoscaler",
     "Kubernetes Cluster Autoscaler: scales node pools (min/max) up for unschedulable pods with a binpacking "
     "estimate and an expander chain, down for nodes below the utilization threshold whose pods fit elsewhere.",
     cluster_autoscaler_params(),
     [](const Params& p) { return std::make_unique<ClusterAutoscaler>(cluster_autoscaler_config(p)); }});
}  // namespace

}  // namespace fleetsim::policies
