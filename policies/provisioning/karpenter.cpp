#include "policies/provisioning/karpenter.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <tuple>

#include "policies/provisioning/sim_pod.hpp"
#include "sim/rng.hpp"

namespace fleetsim::policies {

using models::NodeId;
using models::NodeState;
using models::PoolId;

// ---------------------------------------------------------------------------
// Simulated capacity

namespace {

bool larger(const SimPod& a, const SimPod& b) {
  if (a.need.gpus != b.need.gpus) return a.need.gpus > b.need.gpus;
  if (a.need.cpu_milli != b.need.cpu_milli) return a.need.cpu_milli > b.need.cpu_milli;
  return a.need.memory_mib > b.need.memory_mib;
}

// A ready or in-flight node's free capacity in a packing pass.
struct Slot : FreeCapacity {
  NodeId id = 0;
  const models::InstanceType* type = nullptr;
  bool ready = false;
  bool fits(const SimPod& p) const { return FreeCapacity::fits(*type, p); }
};

}  // namespace

struct Karpenter::Ctx {
  const ProvisioningView& v;
  ProvisioningActions& a;
  const models::Cluster& c;
  const Offerings& o;
  const std::set<NodeId>& removing;
  const std::map<NodeId, NodeId>& replacing;
  std::vector<std::int64_t> gpus;    // per NodePool: GPU capacity of its nodes not terminated
  std::deque<models::PodSpec> specs; // specs made up for pods of unknown jobs
  // Disruption: free capacity of Ready nodes (not leaving) after pending pods took
  // theirs. Those with a free GPU first, in node order (`gpu_free`); the others
  // only once a pod without GPUs needs them (`all`: every one, in node order).
  std::vector<Slot> ready;
  std::vector<std::size_t> gpu_free;
  std::vector<std::size_t> all;
  bool all_built = false;

  Ctx(const ProvisioningView& view, ProvisioningActions& actions, const Offerings& offerings,
      const std::set<NodeId>& removing_nodes, const std::map<NodeId, NodeId>& replacing_nodes)
      : v(view),
        a(actions),
        c(view.cluster),
        o(offerings),
        removing(removing_nodes),
        replacing(replacing_nodes),
        gpus(offerings.by_nodepool.size(), 0) {
    for (PoolId p = 0; p < c.pools().size(); ++p)
      if (o.nodepool_of[p] >= 0) gpus[o.nodepool_of[p]] += std::int64_t{c.pool_size(p)} * c.pools()[p].type->gpus;
  }
  bool leaving(NodeId id) const { return removing.count(id) || replacing.count(id); }
  static Slot slot_of(const models::Node& n) {
    return {{n.free(), n.max_pods - static_cast<int>(n.pods.size())}, n.id, n.type, n.state == NodeState::ready};
  }
  // Ready slots from the nodes with a free GPU (in node order).
  void take_ready(const std::set<NodeId>& gpu_free_nodes) {
    for (NodeId id : gpu_free_nodes) {
      const models::Node& n = c.node(id);
      if (n.state != NodeState::ready || leaving(id)) continue;
      gpu_free.push_back(ready.size());
      ready.push_back(slot_of(n));
    }
  }
  // The slot of a node in `ready`, or ready.size() if it has none. The slots from
  // take_ready() and those ensure_all() appended are each in node order.
  std::size_t slot_index(NodeId id) const {
    auto find = [&](std::size_t lo, std::size_t hi) {
      const auto b = ready.begin() + static_cast<std::ptrdiff_t>(lo), e = ready.begin() + static_cast<std::ptrdiff_t>(hi);
      const auto it = std::lower_bound(b, e, id, [](const Slot& s, NodeId x) { return s.id < x; });
      return it != e && it->id == id ? static_cast<std::size_t>(it - ready.begin()) : ready.size();
    };
    const std::size_t i = find(0, gpu_free.size());
    return i < ready.size() ? i : find(gpu_free.size(), ready.size());
  }
  void ensure_all() {
    if (all_built) return;
    const std::size_t k = ready.size();  // slots so far: sorted by node
    std::size_t i = 0;
    for (NodeId id : c.live()) {
      const models::Node& n = c.node(id);
      if (n.state != NodeState::ready || leaving(id)) continue;
      while (i < k && ready[i].id < id) ++i;
      if (i < k && ready[i].id == id) {
        all.push_back(i);
      } else {
        all.push_back(ready.size());
        ready.push_back(slot_of(n));
      }
    }
    all_built = true;
  }
  const models::NodePool& pool(PoolId p) const { return c.pools()[p]; }
  bool within_limit(PoolId p) const {
    const int np = o.nodepool_of[p];
    return o.limit[np] <= 0 || gpus[np] + pool(p).type->gpus <= o.limit[np];
  }
  // The pods of a bound node, with their specs where the job is known.
  std::vector<SimPod> pods_of(const models::Node& n) {
    std::vector<SimPod> out;
    for (const auto& b : n.pods) {
      const models::Job* j = b.ref.job < v.running.size() ? v.running[b.ref.job] : nullptr;
      if (j && b.ref.pod < j->pods.size()) {
        out.push_back(sim_pod(j->pods[b.ref.pod]));
      } else {
        models::PodSpec s;
        s.cpu_milli = b.request.cpu_milli;
        s.memory_mib = b.request.memory_mib;
        s.gpus = b.request.gpus;
        specs.push_back(s);
        out.push_back({b.request, &specs.back()});
      }
    }
    return out;
  }
  // First fit of `p` on the Ready slots other than `skip`; ready.size() if none.
  std::size_t first_ready_fit(const SimPod& p, NodeId skip) {
    if (p.need.gpus == 0) ensure_all();
    for (std::size_t i : p.need.gpus > 0 ? gpu_free : all)
      if (ready[i].id != skip && ready[i].fits(p)) return i;
    return ready.size();
  }
};

namespace {

// CreateFleet: spot before on-demand when both remain; spot by the
// price-capacity-optimized approximation (lowest interruption bucket, then
// cheapest); on-demand cheapest. Ties: pool order.
PoolId choose_offering(const models::Cluster& c, const std::vector<PoolId>& options) {
  bool any_spot = false;
  for (PoolId p : options) any_spot = any_spot || c.pools()[p].spot;
  auto key = [&](PoolId p) {
    const auto& o = c.pools()[p];
    return std::make_tuple(any_spot ? interruption_bucket(o.interruption_probability) : 0, o.usd_per_hour, p);
  };
  PoolId best = UINT32_MAX;
  for (PoolId p : options) {
    if (c.pools()[p].spot != any_spot) continue;
    if (best == UINT32_MAX || key(p) < key(best)) best = p;
  }
  return best;
}

}  // namespace

// ---------------------------------------------------------------------------
// The loop

bool Karpenter::offering_unavailable(PoolId pool, sim::SimTime now) const {
  auto it = unavailable_.find(pool);
  return it != unavailable_.end() && now < it->second;
}

void Karpenter::build_offerings(const models::Cluster& c) {
  std::map<std::string, int> index;  // NodePool name -> number, in name order
  for (const auto& pool : c.pools())
    if (!pool.nodepool.empty()) index[pool.nodepool];
  int k = 0;
  for (auto& [name, i] : index) i = k++;
  o_.by_nodepool.assign(index.size(), {});
  o_.limit.assign(index.size(), 0);
  std::vector<int> weight(index.size(), INT32_MIN);
  for (PoolId p = 0; p < c.pools().size(); ++p) {
    const auto& pool = c.pools()[p];
    o_.capacity.push_back(template_node(c, p).allocatable);
    o_.nodepool_of.push_back(pool.nodepool.empty() ? -1 : index[pool.nodepool]);
    if (pool.nodepool.empty()) continue;
    const int np = index[pool.nodepool];
    o_.by_nodepool[np].push_back(p);
    weight[np] = std::max(weight[np], pool.weight);
    o_.limit[np] = std::max(o_.limit[np], pool.nodepool_gpu_limit);
  }
  for (int np = 0; np < k; ++np) o_.order.push_back(np);
  std::stable_sort(o_.order.begin(), o_.order.end(), [&](int x, int y) { return weight[x] > weight[y]; });
  o_.built = true;
}

// Drops bookkeeping of nodes that moved on; true if anything was dropped.
bool Karpenter::forget_finished(const models::Cluster& c, sim::SimTime now) {
  const std::size_t before = removing_.size() + mine_.size() + interrupted_.size() + replacing_.size();
  // Done removals are forgotten; one the world declined leaves the node Ready: it is judged afresh.
  for (auto it = removing_.begin(); it != removing_.end();)
    it = c.node(*it).state == NodeState::terminated || c.node(*it).state == NodeState::ready ? removing_.erase(it)
                                                                                             : std::next(it);
  for (auto it = mine_.begin(); it != mine_.end();)
    it = c.node(*it).state != NodeState::launching ? mine_.erase(it) : std::next(it);
  for (auto it = interrupted_.begin(); it != interrupted_.end();)
    it = c.node(*it).state == NodeState::terminated ? interrupted_.erase(it) : std::next(it);
  for (auto it = replacing_.begin(); it != replacing_.end();) {
    const bool gone = c.node(it->first).state == NodeState::terminated ||
                      (it->second != kNoNode && c.node(it->second).state == NodeState::terminated);
    it = gone ? replacing_.erase(it) : std::next(it);
  }
  for (auto it = unavailable_.begin(); it != unavailable_.end();)
    it = it->second <= now ? unavailable_.erase(it) : std::next(it);
  return removing_.size() + mine_.size() + interrupted_.size() + replacing_.size() != before;
}

bool Karpenter::disruption_quiet(const ProvisioningView& v) const {
  return quiet_.on && v.unschedulable_version != 0 && v.now < quiet_.until &&
         quiet_.nodes == v.cluster.node_version() && quiet_.unbinds == v.cluster.unbind_version() &&
         quiet_.pending == v.unschedulable_version;
}

void Karpenter::reconcile(const ProvisioningView& v, sim::Rng&, ProvisioningActions& a) {
  const models::Cluster& c = v.cluster;
  if (!o_.built) build_offerings(c);
  adopt_launches(c);
  if (forget_finished(c, v.now)) quiet_.on = false;
  asked_first_id_ = c.nodes().size();
  std::optional<Ctx> ctx;
  auto x = [&]() -> Ctx& {
    if (!ctx) ctx.emplace(v, a, o_, removing_, replacing_);
    return *ctx;
  };

  // Pre-spun replacements that are Ready: the old node goes.
  for (auto it = replacing_.begin(); it != replacing_.end();) {
    if (it->second != kNoNode && c.node(it->second).state == NodeState::ready) {
      a.remove.push_back(it->first);
      removing_.insert(it->first);
      it = replacing_.erase(it);
    } else {
      ++it;
    }
  }

  // Interruptions and failed launches first: their pods are provisioned now.
  const std::size_t removed_before = a.remove.size();
  std::vector<const models::PodSpec*> extra;
  for (NodeId id : std::vector<NodeId>(mine_.begin(), mine_.end())) {
    const models::Node& n = c.node(id);
    if (v.now < n.requested_at + c.pools()[n.pool].launch_delay + sim::kSecond) continue;
    a.remove.push_back(id);  // insufficient capacity: give up on it
    removing_.insert(id);
    mine_.erase(id);
    unavailable_[n.pool] = v.now + cfg_.unavailable_offering_ttl;
    for (auto it = replacing_.begin(); it != replacing_.end();)
      it = it->second == id ? replacing_.erase(it) : std::next(it);
  }
  sync_index(c, v.unschedulable_version == 0);
  std::sort(idx_.drained.begin(), idx_.drained.end());
  idx_.drained.erase(std::unique(idx_.drained.begin(), idx_.drained.end()), idx_.drained.end());
  for (NodeId id : idx_.drained) {
    const models::Node& n = c.node(id);
    if (n.state != NodeState::draining || o_.nodepool_of[n.pool] < 0) continue;
    if (removing_.count(id) || interrupted_.count(id)) continue;
    interrupted_.insert(id);  // the provider's notice: replace now, avoid the offering
    unavailable_[n.pool] = v.now + cfg_.unavailable_offering_ttl;
    replacing_.erase(id);
    for (const SimPod& p : x().pods_of(n)) extra.push_back(p.spec);
  }
  idx_.drained.clear();
  bool now_provision = a.remove.size() > removed_before || !extra.empty();
  // A removed in-flight node's capacity is gone: remaining offerings are tried at once.

  // Batching of new pending pods.
  if (v.unschedulable_version == 0 || v.unschedulable_version != seen_pending_version_) {
    seen_pending_version_ = v.unschedulable_version;
    std::set<std::pair<models::JobId, sim::SimTime>> seen;
    bool fresh = false;
    for (const auto& pj : v.unschedulable) {
      auto key = std::make_pair(pj.job->id, pj.pending_since);
      fresh = fresh || !seen_.count(key);
      seen.insert(key);
    }
    seen_ = std::move(seen);
    if (fresh) {
      if (!batch_open_) {
        batch_open_ = true;
        batch_start_ = v.now;
      }
      batch_last_ = v.now;
    }
  }
  if (batch_open_ &&
      (v.now - batch_last_ >= cfg_.batch_idle_duration || v.now - batch_start_ >= cfg_.batch_max_duration)) {
    batch_open_ = false;
    now_provision = true;
  }
  const bool disruption_due = v.now - last_disruption_ >= cfg_.disruption_poll;
  // Pods left pending by an earlier round (limits, unavailable offerings) are
  // retried each disruption poll, as are all once a node changed (capacity they
  // counted on may be gone).
  if (!batch_open_ && disruption_due && !v.unschedulable.empty() &&
      (unplaced_ || c.node_version() != provisioned_at_node_version_))
    now_provision = true;
  if (now_provision) provision(x(), extra);
  if (disruption_due) {
    last_disruption_ = v.now;
    if (!disruption_quiet(v)) disrupt(x());
  }
  if (!a.launch.empty() || !a.remove.empty()) quiet_.on = false;
}

// Launches asked for last time were appended to the node list in order.
void Karpenter::adopt_launches(const models::Cluster& c) {
  for (std::size_t i = 0; i < asked_.size(); ++i) {
    const std::size_t id = asked_first_id_ + i;
    if (id >= c.nodes().size() || c.node(static_cast<NodeId>(id)).pool != asked_[i].pool) break;
    const auto nid = static_cast<NodeId>(id);
    mine_.insert(nid);
    if (asked_[i].why == Why::replacement) {
      auto it = replacing_.find(asked_[i].replaces);
      if (it != replacing_.end()) it->second = nid;
    }
  }
  asked_.clear();
}

void Karpenter::launch(Ctx& x, PoolId pool, Why why, NodeId replaces) {
  x.a.launch.push_back({pool, 1});
  asked_.push_back({pool, why, replaces});
  x.gpus[o_.nodepool_of[pool]] += x.pool(pool).type->gpus;
}

void Karpenter::provision(Ctx& x, const std::vector<const models::PodSpec*>& extra) {
  const models::Cluster& c = x.c;
  std::vector<SimPod> pods;
  for (const models::PodSpec* s : extra) pods.push_back(sim_pod(*s));
  for (const auto& pj : x.v.unschedulable)
    for (const auto& s : pj.pending_pods()) pods.push_back(sim_pod(s));
  std::stable_sort(pods.begin(), pods.end(), larger);
  // Free capacity of ready and in-flight nodes, in node order: those with a free
  // GPU are all that GPU pods can use.
  const bool gpu_pods_only = std::all_of(pods.begin(), pods.end(), [](const SimPod& p) { return p.need.gpus > 0; });
  std::vector<Slot> slots;
  auto add_slot = [&](NodeId id) {
    const models::Node& n = c.node(id);
    if (n.state != NodeState::ready && n.state != NodeState::booting && n.state != NodeState::launching) return;
    if (!x.leaving(id)) slots.push_back(Ctx::slot_of(n));
  };
  if (gpu_pods_only) {
    for (NodeId id : idx_.gpu_free) add_slot(id);
  } else {
    for (NodeId id : c.live()) add_slot(id);
  }

  struct Claim {
    std::vector<PoolId> options;
    models::Resources used;
    int pods = 0;
  };
  std::vector<Claim> claims;
  std::vector<std::int64_t> reserved(o_.by_nodepool.size(), 0);
  auto option_fits = [&](PoolId p, const models::Resources& used, int count, const SimPod& pod) {
    return count < 110 && o_.capacity[p].covers(used + pod.need) && accepts(*x.pool(p).type, pod);
  };
  // First fit with a memo per pod shape: free capacity only shrinks.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, const models::PodSpec*>, std::size_t> memo;
  bool unplaced = false;
  for (const SimPod& pod : pods) {
    bool stuck = false;
    const bool constrained = pod.spec && (!pod.spec->gpu_model.empty() || pod.spec->gpu_memory_mib > 0);
    std::size_t& i = memo[{pod.need.cpu_milli, pod.need.memory_mib, pod.need.gpus, constrained ? pod.spec : nullptr}];
    while (i < slots.size() && !slots[i].fits(pod)) ++i;
    if (i < slots.size()) {
      slots[i].take(pod);
      continue;
    }
    bool placed = false;
    for (Claim& cl : claims) {
      std::vector<PoolId> keep;
      for (PoolId p : cl.options)
        if (option_fits(p, cl.used, cl.pods, pod)) keep.push_back(p);
      if (keep.empty()) continue;
      cl.options = std::move(keep);
      cl.used += pod.need;
      ++cl.pods;
      placed = true;
      break;
    }
    if (placed) continue;
    stuck = true;  // until a new claim takes it
    for (int np : o_.order) {
      Claim cl;
      std::int64_t min_gpus = INT64_MAX;
      for (PoolId p : o_.by_nodepool[np]) {
        if (offering_unavailable(p, x.v.now) || !option_fits(p, {}, 0, pod)) continue;
        const std::int64_t lim = o_.limit[np];
        if (lim > 0 && x.gpus[np] + reserved[np] + x.pool(p).type->gpus > lim) continue;
        cl.options.push_back(p);
        min_gpus = std::min<std::int64_t>(min_gpus, x.pool(p).type->gpus);
      }
      if (cl.options.empty()) continue;
      cl.used = pod.need;
      cl.pods = 1;
      reserved[np] += min_gpus;
      claims.push_back(std::move(cl));
      stuck = false;
      break;
    }
    unplaced = unplaced || stuck;
  }
  for (Claim& cl : claims) {
    std::vector<PoolId> ok;
    for (PoolId p : cl.options)
      if (x.within_limit(p)) ok.push_back(p);
    if (ok.empty()) {  // the NodePool's limit was reached meanwhile
      unplaced = true;
      continue;
    }
    launch(x, choose_offering(c, ok), Why::provision);
  }
  unplaced_ = unplaced;
  provisioned_at_node_version_ = c.node_version();
}

// ---------------------------------------------------------------------------
// Disruption

void Karpenter::disrupt(Ctx& x) {
  const models::Cluster& c = x.c;
  const sim::SimTime now = x.v.now;
  const std::size_t actions_before = x.a.remove.size() + x.a.launch.size();
  sim::SimTime wake = sim::kNever;  // when time alone could change the outcome
  for (const auto& [pool, until] : unavailable_) wake = std::min(wake, until);
  // Expiration: forceful, budgets ignored. No node expires before
  // idx_.next_expiry (nodes launched later expire later), so most passes skip it.
  if (cfg_.expire_after != sim::kNever && now >= idx_.next_expiry) {
    idx_.next_expiry = now + cfg_.expire_after;
    for (NodeId id : c.live()) {
      const models::Node& n = c.node(id);
      const bool up = n.state == NodeState::ready || n.state == NodeState::booting;
      if (o_.nodepool_of[n.pool] < 0 || !up || n.launched == sim::kNever) continue;
      if (removing_.count(id) || interrupted_.count(id) || now - n.launched < cfg_.expire_after) {
        idx_.next_expiry = std::min(idx_.next_expiry, n.launched + cfg_.expire_after);
        continue;
      }
      x.a.remove.push_back(id);
      removing_.insert(id);
      replacing_.erase(id);
    }
  }
  if (cfg_.expire_after != sim::kNever) wake = std::min(wake, idx_.next_expiry);
  quiet_ = {true, c.node_version(), c.unbind_version(), x.v.unschedulable_version, sim::kNever};
  if (cfg_.consolidate_after == sim::kNever) {
    quiet_.until = wake;
    return;
  }

  // Budgets per NodePool: allowed = min(budgets) - deleting - not ready.
  const std::size_t nps = o_.by_nodepool.size();
  std::vector<int> total(nps, 0), deleting(nps, 0), not_ready(nps, 0);
  for (PoolId p = 0; p < c.pools().size(); ++p) {
    const int np = o_.nodepool_of[p];
    if (np < 0) continue;
    const int ready = c.pool_in(p, NodeState::ready), draining = c.pool_in(p, NodeState::draining);
    total[np] += c.pool_size(p);
    deleting[np] += draining;
    not_ready[np] += c.pool_size(p) - ready - draining;
  }
  auto leaving = [&](NodeId id) {  // being removed or replaced, and not yet counted as draining
    const models::Node& n = c.node(id);
    const int np = o_.nodepool_of[n.pool];
    if (np < 0 || n.state == NodeState::terminated || n.state == NodeState::draining) return;
    ++deleting[np];
    if (n.state != NodeState::ready) --not_ready[np];
  };
  for (NodeId id : removing_) leaving(id);
  for (const auto& [id, by] : replacing_)
    if (!removing_.count(id)) leaving(id);
  std::vector<int> allowed(nps, 0);
  for (std::size_t np = 0; np < nps; ++np)
    allowed[np] = allowed_disruptions(total[np], cfg_.budgets, deleting[np], not_ready[np]);

  x.ready.clear();
  x.gpu_free.clear();
  x.take_ready(idx_.gpu_free);
  // Pending pods keep their claim on free capacity (the simulation schedules them
  // too): a node they would land on is not a candidate.
  std::vector<char> wanted;  // per slot
  {
    std::vector<SimPod> pend;
    for (const auto& pj : x.v.unschedulable)
      for (const auto& sp : pj.pending_pods()) pend.push_back(sim_pod(sp));
    std::stable_sort(pend.begin(), pend.end(), larger);
    for (const SimPod& p : pend) {
      const std::size_t i = x.first_ready_fit(p, kNoNode);
      if (i == x.ready.size()) continue;
      x.ready[i].take(p);
      if (wanted.size() <= i) wanted.resize(x.ready.size(), 0);
      wanted[i] = 1;
    }
  }
  // A spot node can only be deleted (spot-to-spot replacement aside), which
  // needs its GPUs free elsewhere, its largest pod's on one node. In a busy
  // cluster most nodes fail this at once and are not simulated.
  std::int64_t free_total = 0;
  int max1 = 0, max2 = 0;
  std::size_t max1_slot = SIZE_MAX;
  for (std::size_t i : x.gpu_free) {
    const int g = x.ready[i].free.gpus;
    free_total += g;
    if (g > max1) {
      max2 = max1;
      max1 = g;
      max1_slot = i;
    } else {
      max2 = std::max(max2, g);
    }
  }
  auto cannot_move = [&](const models::Node& n, int largest, std::size_t slot) {
    const std::int64_t own_free = slot < x.ready.size() ? x.ready[slot].free.gpus : 0;
    return n.requested.gpus > free_total - own_free || largest > (slot == max1_slot ? max2 : max1);
  };
  struct Cand {
    std::size_t pods;
    sim::SimTime launched;
    NodeId id;
    bool operator<(const Cand& o) const { return std::tie(pods, launched, id) < std::tie(o.pods, o.launched, o.id); }
  };
  std::vector<Cand> cands;
  auto consider = [&](NodeId id, bool spot_delete_only, int largest) {
    if (removing_.count(id) || replacing_.count(id)) return;
    const models::Node& n = c.node(id);
    const std::size_t slot = x.slot_index(id);
    if (slot < wanted.size() && wanted[slot]) return;
    // consolidateAfter counts from the last pod change (or from Ready).
    const sim::SimTime since = n.pods_changed == sim::kNever ? n.ready_at : std::max(n.ready_at, n.pods_changed);
    if (now - since < cfg_.consolidate_after) {
      wake = std::min(wake, since + cfg_.consolidate_after);
      return;
    }
    if (spot_delete_only && !n.pods.empty() && cannot_move(n, largest, slot)) return;
    cands.push_back({n.pods.size(), n.launched, id});
  };
  // Spot nodes whose largest pod fits no free block elsewhere are not visited.
  for (auto it = idx_.movable.begin(); it != idx_.movable.end() && it->first <= max1; ++it)
    consider(it->second, true, it->first);
  for (NodeId id : idx_.others) consider(id, false, 0);
  quiet_.until = wake;
  // Least disruptive first: fewer pods, then sooner expiry (then node order).
  std::sort(cands.begin(), cands.end());
  // A pod that must not be disrupted keeps its node (looked up only for the
  // candidates a pass reaches: it reads the jobs).
  auto blocked = [&](NodeId id) {
    for (const auto& b : c.node(id).pods) {
      const models::Job* j = b.ref.job < x.v.running.size() ? x.v.running[b.ref.job] : nullptr;
      if (!j) continue;
      auto l = j->labels.find(kDoNotDisruptLabel);
      if (l != j->labels.end() && l->second == "true") return true;
    }
    return false;
  };

  // Emptiness.
  bool acted = false;
  std::size_t k = 0;
  for (; k < cands.size() && cands[k].pods == 0; ++k) {
    int& left = allowed[o_.nodepool_of[c.node(cands[k].id).pool]];
    if (left <= 0) continue;
    --left;
    x.a.remove.push_back(cands[k].id);
    removing_.insert(cands[k].id);
    acted = true;
  }
  if (!acted && cfg_.policy == ConsolidationPolicy::when_empty_or_underutilized) {
    constexpr std::size_t kMaxCandidates = 100;
    std::size_t tried = 0;
    for (; k < cands.size(); ++k) {
      const NodeId id = cands[k].id;
      if (blocked(id) || allowed[o_.nodepool_of[c.node(id).pool]] <= 0) continue;
      if (++tried > kMaxCandidates) break;
      if (consolidate_one(x, id, allowed)) break;
    }
  }
  if (x.a.remove.size() + x.a.launch.size() != actions_before) quiet_.on = false;
}

// Single-node consolidation of candidate `id`: deleted when its pods fit on the
// other ready nodes; else replaced when its pods fit there plus on one strictly
// cheaper new node. True if it acted.
bool Karpenter::consolidate_one(Ctx& x, NodeId id, std::vector<int>& allowed) {
  constexpr std::size_t kSpotToSpotMinTypes = 15;
  const models::Cluster& c = x.c;
  std::vector<Slot>& slots = x.ready;
  const models::Node& n = c.node(id);
  const models::NodePool& own = x.pool(n.pool);
  const int own_np = o_.nodepool_of[n.pool];
  std::vector<SimPod> pods = x.pods_of(n);
  std::stable_sort(pods.begin(), pods.end(), larger);
  std::vector<std::pair<std::size_t, SimPod>> moved;
  std::vector<SimPod> left;
  for (const SimPod& p : pods) {
    const std::size_t i = x.first_ready_fit(p, id);
    if (i < slots.size()) {
      slots[i].take(p);
      moved.emplace_back(i, p);
    } else {
      left.push_back(p);
    }
  }
  for (auto& [i, p] : moved) slots[i].give_back(p);
  if (left.empty()) {
    --allowed[own_np];
    x.a.remove.push_back(id);
    removing_.insert(id);
    return true;
  }
  // Replace: one new node, strictly cheaper, holding what is left.
  models::Resources need;
  for (const SimPod& p : left) need += p.need;
  for (int np : o_.order) {
    std::vector<PoolId> options;
    for (PoolId p : o_.by_nodepool[np]) {
      const auto& o = x.pool(p);
      if (o.usd_per_hour >= n.usd_per_hour || offering_unavailable(p, x.v.now) || !x.within_limit(p)) continue;
      if (!o_.capacity[p].covers(need) || left.size() > 110) continue;
      bool ok = true;
      for (const SimPod& q : left) ok = ok && accepts(*o.type, q);
      if (ok) options.push_back(p);
    }
    if (options.empty()) continue;
    if (own.spot) {
      // Spot -> spot: behind the feature gate, with >= 15 cheaper spot types, launched from the 15 cheapest.
      std::vector<PoolId> spot;
      for (PoolId p : options)
        if (x.pool(p).spot) spot.push_back(p);
      if (!cfg_.spot_to_spot_consolidation || spot.size() < kSpotToSpotMinTypes) return false;
      std::stable_sort(spot.begin(), spot.end(),
                       [&](PoolId p, PoolId q) { return x.pool(p).usd_per_hour < x.pool(q).usd_per_hour; });
      spot.resize(kSpotToSpotMinTypes);
      options = std::move(spot);
    }
    --allowed[own_np];
    replacing_[id] = kNoNode;
    launch(x, choose_offering(c, options), Why::replacement, id);
    return true;
  }
  return false;
}

namespace {
const bool registered = ProvisionerRegistry::instance().add(
    {"karpenter",
     "Karpenter v1: batches pending pods into NodeClaims over NodePool offerings (weight order, spot before "
     "on-demand, price-capacity-optimized spot, cheapest on-demand, GPU limits, unavailable-offering cache); "
     "expires nodes and consolidates empty or replaceable nodes within disruption budgets.",
     karpenter_params(), [](const Params& p) { return std::make_unique<Karpenter>(karpenter_config(p)); }});
}  // namespace

}  // namespace fleetsim::policies
