#include "world/world.hpp"

#include <algorithm>

#include "policies/preemption/default_preemption.hpp"
#include "world/make_policy.hpp"
#include "util/input_error.hpp"

namespace fleetsim::world {

using models::JobId;
using sim::SimTime;

const char* to_string(JobStatus s) {
  switch (s) {
    case JobStatus::not_arrived: return "not_arrived";
    case JobStatus::queued: return "queued";
    case JobStatus::running: return "running";
    case JobStatus::terminating: return "terminating";
    case JobStatus::succeeded: return "succeeded";
    case JobStatus::failed: return "failed";
    case JobStatus::stopped: return "stopped";
  }
  return "?";
}


World::World(const scenario::Scenario& s, std::uint64_t seed, sim::Recorder& recorder)
    : scenario_(s),
      recorder_(recorder),
      sim_(seed),
      catalog_(std::make_shared<const models::InstanceCatalog>(s.catalog)),
      provisioning_rng_(sim_.rng().stream("provisioning")) {
  build_cluster();
  queue_ = make_policy<policies::QueuePolicy>(s.scheduler.queue);
  placement_ = make_policy<policies::PlacementPolicy>(s.scheduler.placement);
  provisioner_ = make_policy<policies::Provisioner>(s.provisioning);
  partitioner_ = make_policy<policies::MigPartitioner>(s.mig_partitioning);
  auto jobs = scenario::materialize_workload(s.workload, sim_.rng(), s.priority_classes);
  jobs_.assign(std::make_move_iterator(jobs.begin()), std::make_move_iterator(jobs.end()));
  check_jobs_can_fit();
  size_per_job();
  for (const auto& p : s.pools) sharing_ = sharing_ || p.sharing.shares();
  ev_arrival_ = sim_.add_handler("arrival", [this](std::uint64_t j) { on_arrival(static_cast<JobId>(j)); });
  ev_complete_ = sim_.add_handler("complete", [this](std::uint64_t j) { on_complete(static_cast<JobId>(j)); });
  ev_evicted_ = sim_.add_handler("evicted", [this](std::uint64_t j) { on_evicted(static_cast<JobId>(j)); });
  ev_cycle_ = sim_.add_handler("schedule", [this](std::uint64_t) { cycle(); });
  ev_node_running_ =
      sim_.add_handler("node-running", [this](std::uint64_t id) { on_node_running(static_cast<models::NodeId>(id)); });
  ev_node_ready_ =
      sim_.add_handler("node-ready", [this](std::uint64_t id) { on_node_ready(static_cast<models::NodeId>(id)); });
  ev_reconcile_ = sim_.add_handler("provisioning", [this](std::uint64_t) { reconcile(); });
  ev_spot_ = sim_.add_handler("spot-interruption",
                              [this](std::uint64_t p) { on_spot_event(static_cast<models::PoolId>(p)); });
  ev_restart_ = sim_.add_handler("restart", [this](std::uint64_t j) { on_restart(static_cast<JobId>(j)); });
  ev_partition_ = sim_.add_handler("mig-partition", [this](std::uint64_t) { on_partition(); });
  ev_mig_ready_ = sim_.add_handler("mig-ready", [this](std::uint64_t i) { on_mig_ready(static_cast<std::size_t>(i)); });
  ev_reclaim_ = sim_.add_handler("spot-reclaim", [this](std::uint64_t id) { on_reclaim(static_cast<models::NodeId>(id)); });
  ev_spot_trace_ = sim_.add_handler("spot-trace", [this](std::uint64_t x) {
    on_spot_trace(static_cast<models::PoolId>(x >> 32), static_cast<std::size_t>(x & 0xFFFFFFFFu));
  });
  for (models::PoolId p = 0; p < cluster_.pools().size(); ++p) {
    if (!markets_[p]) continue;
    if (const auto& trace = markets_[p]->spec().trace) {
      for (std::size_t i = 0; i < trace->t.size(); ++i)
        sim_.at(trace->t[i], ev_spot_trace_, std::uint64_t{p} << 32 | i);
    } else {
      reschedule_spot(p);
    }
  }
  if (provisioner_->period() > 0) sim_.every(provisioner_->period(), 0, ev_reconcile_);
  for (const auto& j : jobs_) sim_.at(j.submit, ev_arrival_, j.id);
  init_services();
  s_alloc_ = recorder_.series("gpus_allocated", "GPUs");
  s_gpus_ = recorder_.series("gpus_provisioned", "GPUs");
  s_nodes_ = recorder_.series("nodes", "nodes");
  s_queued_ = recorder_.series("jobs_queued", "jobs");
  s_running_ = recorder_.series("jobs_running", "jobs");
}

void World::build_cluster() {
  for (const auto& p : scenario_.pools) {
    models::NodePool pool;
    pool.name = p.name;
    pool.type = catalog_->find(p.instance_type);
    pool.count = p.count;
    pool.usd_per_hour = p.usd_per_hour;
    pool.min = p.min;
    pool.max = p.max;
    pool.launch_delay = p.launch_delay;
    pool.boot_delay = p.boot_delay;
    pool.launch_failure_probability = p.launch_failure_probability;
    pool.nodepool = p.nodepool;
    pool.spot = p.capacity_type == models::CapacityType::spot;
    pool.weight = p.weight;
    pool.nodepool_gpu_limit = p.nodepool_gpu_limit;
    pool.interruption_probability = p.spot ? p.spot->monthly_interruption_probability : 0;
    pool.sharing = p.sharing;
    cluster_.add_pool(pool);
    launch_rng_.push_back(sim_.rng().stream("launch/" + p.name));
    spot_rng_.push_back(sim_.rng().stream("spot/" + p.name));
    markets_.push_back(p.spot ? std::optional<models::SpotMarket>(models::SpotMarket(*p.spot, p.ondemand_usd_per_hour))
                              : std::nullopt);
  }
  spot_event_.resize(scenario_.pools.size());
  if (!scenario_.node_order.empty()) {
    for (auto pool : scenario_.node_order) cluster_.add_node(pool, 0, scenario_.pools[pool].max_pods);
  } else {
    for (std::uint32_t p = 0; p < scenario_.pools.size(); ++p)
      for (int i = 0; i < scenario_.pools[p].count; ++i) cluster_.add_node(p, 0, scenario_.pools[p].max_pods);
  }
  bills_.resize(cluster_.nodes().size());
  reclaimed_.resize(cluster_.nodes().size());
  spot_charges_.resize(cluster_.nodes().size());
}

void World::size_per_job() {
  const std::size_t n = jobs_.size();
  records_.resize(n);
  completion_.resize(n);
  accrued_to_.resize(n, 0);
  awaiting_victims_.resize(n, 0);
  nominated_by_.resize(n, UINT32_MAX);
  running_view_.resize(n, nullptr);
  attempt_.resize(n);
  bound_at_.resize(n, 0);
  notice_at_.resize(n, sim::kNever);
  evict_event_.resize(n);
  pending_since_.resize(n, 0);
  base_rate_.resize(n, 1.0);
  busy_rate_.resize(n, 1.0);
  backing_off_.resize(n, false);
  saved_floor_.resize(n, -1);
  load_.resize(n, 1.0);
  ready_event_.resize(n);
  ready_.resize(n, false);
  deleted_.resize(n, false);
  prewarmed_.resize(n, false);
}

void World::check_jobs_can_fit() const {
  for (const auto& j : jobs_) check_fits(j);
}

void World::check_fits(const models::Job& j) const {
  // An empty node of every pool that can have nodes tells whether a pod can ever fit.
  std::vector<models::Node> empty;
  for (std::uint32_t p = 0; p < cluster_.pools().size(); ++p)
    if (cluster_.pools()[p].max > 0 || cluster_.pools()[p].count > 0)
      empty.push_back(policies::template_node(cluster_, p));
  for (std::size_t i = 0; i < j.pods.size(); ++i) {
    const auto& pod = j.pods[i];
    bool ok = std::any_of(empty.begin(), empty.end(), [&](const models::Node& n) { return cluster_.fits(n, pod); });
    // A dynamic partitioner can create any instance its GPUs have.
    if (!ok && partitioner_->dynamic() && !pod.mig_profile.empty())
      ok = std::any_of(cluster_.pools().begin(), cluster_.pools().end(), [&](const models::NodePool& p) {
        const auto& sh = p.sharing;
        return sh.mode == models::SharingMode::mig && sh.mig.strategy == models::MigStrategy::mixed &&
               sh.mig.gpu->find(pod.mig_profile) && pod.accepts_model(p.type->gpu_model);
      });
    if (!ok) {
      int max_gpus = 0;
      for (const auto& n : empty) max_gpus = std::max(max_gpus, n.allocatable.gpus);
      throw InputError(j.source + ": " + (j.service >= 0 ? "service" : "job") + " '" + j.name + "' pod " +
                       std::to_string(i) + " requests " + std::to_string(pod.whole_gpus()) + " GPU(s), " +
                       std::to_string(pod.cpu_milli) + "m CPU, " + std::to_string(pod.memory_mib) + " MiB" +
                       (pod.gpu_model.empty() ? "" : ", GPU model " + pod.gpu_model) +
                       (pod.mig_profile.empty() ? "" : ", MIG instance " + pod.mig_profile) +
                       ": no node of the cluster can ever hold it (largest node has " + std::to_string(max_gpus) +
                       " GPUs); expected a pod that fits an empty node");
    }
  }
}

void World::on_arrival(JobId id) {
  records_[id].status = JobStatus::queued;
  pending_since_[id] = sim_.now();
  ++arrived_;
  queue_->add(jobs_[id]);
  ++queue_version_;
  arrivals_since_cycle_.push_back(id);
  request_cycle();
}

void World::request_cycle() {
  if (cycle_pending_) return;
  cycle_pending_ = true;
  sim_.at(sim_.now(), ev_cycle_);
}

void World::cycle() {
  cycle_pending_ = false;
  std::vector<JobId> started;
  auto attempt = [&](JobId id) {
    if (records_[id].status != JobStatus::queued) return true;
    if (try_start(id)) {
      started.push_back(id);
      return true;
    }
    if (queue_->preemption() && awaiting_victims_[id] == 0) try_preempt(id);
    return !queue_->blocking();
  };
  const bool freed = capacity_freed_;
  if (capacity_freed_ || queue_->blocking()) {
    // Something left since the last cycle: every pending job may fit now.
    queue_->for_each(attempt);
  } else {
    // Only arrivals changed: earlier pending jobs still cannot fit.
    for (JobId id : arrivals_since_cycle_)
      if (!attempt(id)) break;
  }
  for (JobId id : started) queue_->remove(jobs_[id]);
  if (!started.empty()) ++queue_version_;
  if (freed) grow_elastic();  // what the queue left over
  capacity_freed_ = false;
  arrivals_since_cycle_.clear();
  if (partitioner_->dynamic()) watch_mig_pending();
  sample();
}

bool World::try_start(JobId id) {
  const models::Job& j = jobs_[id];
  if (awaiting_victims_[id] > 0) return false;  // nominated: waits for its victims
  JobRecord& r = records_[id];
  r.nodes.clear();
  // Gang placement: all pods or none. An elastic job needs min_replicas of them
  // (all or none) and takes as many more as fit, up to max_replicas.
  const std::size_t need = j.elastic ? static_cast<std::size_t>(j.elastic->min_replicas) : j.pods.size();
  if (place_more(id) < need) {
    for (auto k = static_cast<std::uint32_t>(r.nodes.size()); k-- > 0;)
      cluster_.unassume(r.nodes[k], models::PodRef{id, k});
    r.nodes.clear();
    return false;
  }
  r.status = JobStatus::running;
  const SimTime waited = sim_.now() - pending_since_[id];
  r.wait_s += sim::to_seconds(waited);
  const bool on_new_node = std::any_of(r.nodes.begin(), r.nodes.end(), [&](models::NodeId n) {
    return cluster_.node(n).ready_at > pending_since_[id];
  });
  if (waited > 0 && on_new_node) r.provisioning_wait_s += sim::to_seconds(waited);
  const bool restart = r.first_start >= 0;
  if (r.first_start < 0) r.first_start = sim_.now();
  r.last_start = sim_.now();
  accrued_to_[id] = sim_.now();
  begin_attempt(id, restart);
  running_view_[id] = &j;
  ++running_;
  return true;
}

bool World::try_preempt(JobId id) {
  const models::Job& j = jobs_[id];
  if (!j.preempts) return false;
  std::optional<std::set<JobId>> victims;
  if (j.elastic && static_cast<std::size_t>(j.elastic->min_replicas) < j.pods.size()) {
    models::Job need = j;  // an elastic job preempts for its min_replicas only
    need.pods.resize(static_cast<std::size_t>(j.elastic->min_replicas));
    victims = policies::plan_job_preemption(need, cluster_, *placement_, sim_.now());
  } else {
    victims = policies::plan_job_preemption(j, cluster_, *placement_, sim_.now());
  }
  if (!victims) return false;
  for (JobId v : *victims) {
    if (records_[v].status != JobStatus::running) continue;
    sim_.cancel(completion_[v]);
    records_[v].status = JobStatus::terminating;
    --running_;
    ++terminating_;
    nominated_by_[v] = id;
    notice_at_[v] = sim_.now();  // SIGTERM: the grace period is a notice
    awaiting_victims_[id]++;
    evict_event_[v] = sim_.after(scenario_.scheduler.preemption_grace, ev_evicted_, v);
  }
  return true;
}

void World::accrue(JobId id, SimTime until) {
  JobRecord& r = records_[id];
  const SimTime from = accrued_to_[id];
  const double dt_s = sim::to_seconds(until - from);
  accrued_to_[id] = until;
  if (dt_s <= 0) return;
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const models::Node& n = cluster_.node(r.nodes[i]);
    const models::PodSpec& p = jobs_[id].pods[i];
    // A GPU node's cost follows its GPUs (a shared GPU's, its tenants' shares);
    // a CPU-only node's follows its CPU.
    const double gpus = cluster_.gpu_share(n, p);
    const double share = n.allocatable.gpus > 0
                             ? gpus / n.allocatable.gpus
                             : static_cast<double>(p.cpu_milli) / static_cast<double>(n.allocatable.cpu_milli);
    const double usd = share * node_cost(n, from, until);
    if (markets_[n.pool]) spot_charges_[n.id].emplace_back(id, usd);
    r.cost_usd += usd;
    r.gpu_seconds += gpus * dt_s;
    bills_[n.id].allocated_usd += usd;
    bills_[n.id].allocated_gpu_seconds += gpus * dt_s;
    if (jobs_[id].gpu_utilization >= 0) {
      // Busy: the compute it actually gets (all it asks on a whole GPU; less when
      // a shared GPU slows it; none while crashed), in GPUs.
      bills_[n.id].known_gpu_seconds += gpus * dt_s;
      const double busy = p.whole_gpus() * dt_s * jobs_[id].gpu_utilization * busy_rate_[id] * load_[id];
      bills_[n.id].busy_gpu_seconds += busy;
      r.busy_gpu_seconds += busy;
    }
  }
}

void World::release(JobId id) {
  accrue(id, sim_.now());
  const JobRecord& r = records_[id];
  std::vector<JobId> neighbours = sharing_ ? gpu_neighbours(id) : std::vector<JobId>{};
  if (jobs_[id].service >= 0) replica_released(id);
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i) cluster_.unbind(r.nodes[i], models::PodRef{id, i}, sim_.now());
  backing_off_[id] = false;
  if (!neighbours.empty()) retune(std::move(neighbours));
  running_view_[id] = nullptr;
  if (jobs_[id].elastic) ++queue_version_;  // a partly placed job's Pending pods go too
  capacity_freed_ = true;
  last_change_ = sim_.now();
}

void World::on_complete(JobId id) {
  book_attempt(id, 0, attempt_[id].overhead(sim_.now()));
  records_[id].saved_progress = jobs_[id].duration;
  growable_.erase(id);
  release(id);
  records_[id].status = JobStatus::succeeded;
  records_[id].end = sim_.now();
  --running_;
  request_cycle();
}

void World::on_evicted(JobId id) {
  end_attempt(id);
  release(id);
  JobRecord& r = records_[id];
  r.preemptions++;
  ++preemptions_;
  --terminating_;
  awaiting_victims_[nominated_by_[id]]--;
  nominated_by_[id] = UINT32_MAX;
  requeue(id);  // resumes from its last checkpoint when placed again
  request_cycle();
}

void World::launch_node(models::PoolId pool) {
  const models::NodePool& p = cluster_.pools()[pool];
  const models::NodeId id = cluster_.add_node(pool, sim_.now(), scenario_.pools[pool].max_pods, models::NodeState::launching);
  bills_.resize(cluster_.nodes().size());
  reclaimed_.resize(cluster_.nodes().size());
  spot_charges_.resize(cluster_.nodes().size());
  // A failed launch never runs (insufficient capacity, bad image, ...): the node
  // stays requested until a provisioner gives up on it.
  if (launch_rng_[pool].uniform01() < p.launch_failure_probability) return;
  if (markets_[pool] && markets_[pool]->launch_fails(launch_rng_[pool])) return;  // no spot capacity
  sim_.after(p.launch_delay, ev_node_running_, id);
}

void World::on_node_running(models::NodeId id) {
  if (cluster_.node(id).state != models::NodeState::launching) return;  // removed meanwhile
  cluster_.set_state(id, models::NodeState::booting, sim_.now());
  sim_.after(cluster_.pools()[cluster_.node(id).pool].boot_delay, ev_node_ready_, id);
  if (markets_[cluster_.node(id).pool]) reschedule_spot(cluster_.node(id).pool);
  sample();
}

void World::on_node_ready(models::NodeId id) {
  if (cluster_.node(id).state != models::NodeState::booting) return;
  cluster_.set_state(id, models::NodeState::ready, sim_.now());
  capacity_freed_ = true;
  request_cycle();
}

// A run ends before its work is done: what was checkpointed survives, the rest is
// lost. Within a notice (SIGTERM grace, spot notice) an emergency checkpoint is
// written when it fits.
void World::end_attempt(JobId id) {
  const models::Attempt& a = attempt_[id];
  JobRecord& r = records_[id];
  const SimTime now = sim_.now();
  SimTime saved = saved_by(id, now);
  SimTime done = a.work_done(now);
  if (notice_at_[id] != sim::kNever && a.cp.checkpoints()) {
    const SimTime emergency = a.saved_with_emergency_checkpoint(notice_at_[id], now);
    // (An attempt continued at a new speed counts only a write that completed.)
    const bool wrote = saved_floor_[id] < 0 || notice_at_[id] + a.cp.write <= now;
    if (emergency > saved && wrote) done = saved = emergency;  // it stopped working to write
  }
  notice_at_[id] = sim::kNever;
  if (jobs_[id].service >= 0) return;  // a replica serves; it has no work to lose
  book_attempt(id, done - saved, a.overhead(now));
  r.saved_progress = saved;
}

void World::evict(JobId id) {
  if (jobs_[id].elastic) return lose_members(id);
  end_attempt(id);
  release(id);
  JobRecord& r = records_[id];
  sim_.cancel(completion_[id]);
  r.evictions++;
  ++evictions_;
  --running_;
  requeue(id);  // keeps its last checkpoint, like a pod deleted by a drain
}

void World::remove_node(models::NodeId id) {
  const models::Node& n = cluster_.node(id);
  if (n.state == models::NodeState::terminated) return;
  // A node whose pods are mid-preemption is left alone this time.
  for (const auto& b : n.pods)
    if (records_[b.ref.job].status == JobStatus::terminating) return;
  if (n.state == models::NodeState::ready) cluster_.set_state(id, models::NodeState::draining, sim_.now());
  std::vector<JobId> jobs;
  for (const auto& b : cluster_.node(id).pods)
    if (std::find(jobs.begin(), jobs.end(), b.ref.job) == jobs.end()) jobs.push_back(b.ref.job);
  for (JobId j : jobs) evict(j);
  cluster_.set_state(id, models::NodeState::terminated, sim_.now());
  node_stopped(id);
  request_cycle();
}

void World::node_stopped(models::NodeId id) {
  const models::PoolId pool = cluster_.node(id).pool;
  if (markets_[pool]) reschedule_spot(pool);
  // A provisioner without a period hears about lost nodes at once.
  if (provisioner_->period() == 0) sim_.at(sim_.now(), ev_reconcile_);
}

double World::node_cost(const models::Node& n, SimTime from, SimTime to) const {
  const auto& m = markets_[n.pool];
  if (m && m->spec().series) return m->spec().series->integral_usd(from, to);
  return n.usd_per_hour * sim::to_seconds(to - from) / 3600.0;
}

// Interruptions are a Poisson process per spot pool whose rate follows the number
// of running nodes; the process is memoryless, so redrawing the next event
// whenever that number changes is exact.
void World::reschedule_spot(models::PoolId pool) {
  if (markets_[pool]->spec().trace) return;  // recorded: the events are scheduled up front
  sim_.cancel(spot_event_[pool]);
  const SimTime t = markets_[pool]->next_event(spot_rng_[pool], sim_.now(), cluster_.pool_up(pool));
  if (t != sim::kNever) spot_event_[pool] = sim_.at(t, ev_spot_, pool);
}

// The provider reclaims nodes with a notice: they are cordoned at once, their pods
// keep running (and may write an emergency checkpoint) until the node goes.
void World::on_spot_event(models::PoolId pool) {
  reclaim_some(pool, [&](int running) { return markets_[pool]->reclaimed_per_event(running); });
  reschedule_spot(pool);
  sample();
}

void World::on_spot_trace(models::PoolId pool, std::size_t row) {
  reclaim_some(pool, [&](int running) { return markets_[pool]->spec().trace->reclaimed(row, running); });
  sample();
}

// Reclaims `how_many(running)` of the pool's running spot nodes, at random.
void World::reclaim_some(models::PoolId pool, const std::function<int(int)>& how_many) {
  std::vector<models::NodeId> candidates;
  for (models::NodeId id : cluster_.live()) {
    const models::Node& n = cluster_.node(id);
    if (n.pool == pool && (n.state == models::NodeState::booting || n.state == models::NodeState::ready))
      candidates.push_back(id);
  }
  const auto& market = *markets_[pool];
  const int k = candidates.empty() ? 0 : how_many(static_cast<int>(candidates.size()));
  for (int i = 0; i < k; ++i) {
    const std::size_t pick = i + spot_rng_[pool].below(candidates.size() - i);
    std::swap(candidates[i], candidates[pick]);
    const models::NodeId id = candidates[i];
    cluster_.set_state(id, models::NodeState::draining, sim_.now());
    for (const auto& b : cluster_.node(id).pods)
      if (notice_at_[b.ref.job] == sim::kNever) notice_at_[b.ref.job] = sim_.now();
    sim_.after(market.spec().notice, ev_reclaim_, id);
    ++interruptions_;
  }
}

void World::on_reclaim(models::NodeId id) {
  if (cluster_.node(id).state == models::NodeState::terminated) return;  // removed during the notice
  reclaimed_[id] = true;
  std::vector<JobId> jobs;
  for (const auto& b : cluster_.node(id).pods)
    if (std::find(jobs.begin(), jobs.end(), b.ref.job) == jobs.end()) jobs.push_back(b.ref.job);
  for (JobId j : jobs) {
    if (records_[j].status == JobStatus::terminating) {
      sim_.cancel(evict_event_[j]);  // a preemption victim goes now, with its node
      on_evicted(j);
    } else {
      evict(j);
    }
  }
  cluster_.set_state(id, models::NodeState::terminated, sim_.now());
  node_stopped(id);
  request_cycle();
}

void World::reconcile() {
  // The scheduler acts on what happened at this instant before the provisioner
  // looks: a node that just became Ready is used before anyone asks for more.
  if (cycle_pending_) cycle();
  if (pending_seen_ != queue_version_) {  // most ticks nothing changed
    pending_seen_ = queue_version_;
    std::vector<policies::PendingJob> now;
    queue_->for_each([&](JobId id) {
      if (records_[id].status == JobStatus::queued) now.push_back({&jobs_[id], pending_since_[id]});
      return true;
    });
    add_partly_placed(now);
    // A job that arrived and started between two ticks was never pending.
    const auto same = [](const policies::PendingJob& a, const policies::PendingJob& b) {
      return a.job == b.job && a.pending_since == b.pending_since && a.placed == b.placed;
    };
    if (!std::equal(now.begin(), now.end(), pending_.begin(), pending_.end(), same)) {
      pending_ = std::move(now);
      ++pending_version_;
    }
  }
  policies::ProvisioningActions actions;
  provisioner_->reconcile({cluster_, pending_, sim_.now(), running_view_, pending_version_}, provisioning_rng_,
                          actions);
  cluster_.clear_changes();  // the provisioner has seen them
  for (const auto& [pool, count] : actions.launch)
    for (int i = 0; i < count; ++i) launch_node(pool);
  for (models::NodeId id : actions.remove) remove_node(id);
  sample();
}

void World::sample() {
  const SimTime t = sim_.now();
  // Without a periodic provisioner nobody reads the change list: keep it short.
  if (cluster_.changes().size() > 65536) cluster_.clear_changes();
  if (cluster_.nodes().size() != last_nodes_ || cluster_.nodes_running() != last_running_nodes_) {
    last_change_ = t;
    last_nodes_ = cluster_.nodes().size();
    last_running_nodes_ = cluster_.nodes_running();
  }
  recorder_.gauge(s_alloc_, t, static_cast<double>(cluster_.gpus_allocated()));
  recorder_.gauge(s_gpus_, t, static_cast<double>(cluster_.gpus_total()));
  recorder_.gauge(s_nodes_, t, static_cast<double>(cluster_.nodes_running()));
  recorder_.gauge(s_queued_, t, static_cast<double>(queue_->size()));
  recorder_.gauge(s_running_, t, static_cast<double>(running_ + terminating_));
}

RunResult World::run(const RunOptions& opts) {
  sim::Progress progress(opts.progress && sim::Progress::stderr_is_terminal());
  // Without a horizon the run ends when the work does. With one, it lasts the
  // whole horizon: a fixed pool is paid for whether or not work remains.
  std::function<bool()> done;
  if (scenario_.horizon == sim::kNever)
    done = [this] {
      if (arrived_ < jobs_.size() || running_ > 0 || terminating_ > 0) return false;
      // Jobs left that nothing will ever start (a gang larger than the cluster
      // can grow): periodic provisioners would tick forever, so stop once the
      // cluster has been quiet for an hour. They are reported as queued.
      return queue_->size() == 0 || (!cycle_pending_ && sim_.now() - last_change_ >= sim::kHour);
    };
  sample();
  auto stats = sim_.run(scenario_.horizon, done, &progress);
  if (scenario_.horizon != sim::kNever) stats.end_time = scenario_.horizon;
  // "Stopped at the horizon" means work was left, not merely that timers were.
  const bool all_done = arrived_ == jobs_.size() && running_ == 0 && terminating_ == 0 && queue_->size() == 0;
  stats.reached_horizon = stats.reached_horizon && !all_done;
  return finish(stats);
}

RunResult World::finish(const sim::RunStats& stats) {
  const SimTime end = stats.end_time;
  for (std::size_t i = 0; i < services_.size(); ++i) advance_service(i, end);
  for (JobId id = 0; id < jobs_.size(); ++id)
    if (records_[id].status == JobStatus::running || records_[id].status == JobStatus::terminating) accrue(id, end);
  for (const auto& n : cluster_.nodes()) {
    NodeBill& b = bills_[n.id];
    if (n.launched == sim::kNever) continue;  // never ran: never billed
    const SimTime stop = std::min(end, n.terminated);
    b.lifetime_s = sim::to_seconds(stop - n.launched);
    b.billed_s = std::max(b.lifetime_s, sim::to_seconds(scenario_.billing.minimum));
    b.cost_usd = n.usd_per_hour * b.billed_s / 3600.0;
    if (const auto& m = markets_[n.pool]) {
      b.spot = true;
      b.reclaimed = reclaimed_[n.id];
      b.cost_usd = m->charge_usd(n.launched, stop, b.reclaimed, scenario_.billing.minimum);
      if (b.cost_usd == 0 && b.allocated_usd > 0) {
        // Reclaimed within its first hour: AWS charges nothing, so neither do its pods.
        for (const auto& [job, usd] : spot_charges_[n.id]) records_[job].cost_usd -= usd;
        b.allocated_usd = 0;
      }
    }
    b.idle_usd = b.cost_usd - b.allocated_usd;
  }
  recorder_.gauge(s_alloc_, end, static_cast<double>(cluster_.gpus_allocated()));
  RunResult r;
  r.services = service_results();
  r.scenario_name = scenario_.name;
  r.scenario_text = scenario_.text;
  r.seed = sim_.rng().master_seed();
  r.end = end;
  r.horizon = scenario_.horizon;
  r.horizon_reached = stats.reached_horizon;
  r.events = stats.events;
  r.preemptions = preemptions_;
  r.evictions = evictions_;
  r.interruptions = interruptions_;
  r.oom_kills = oom_kills_;
  r.mig_reconfigurations = repartitions_.size();
  r.jobs.assign(std::make_move_iterator(jobs_.begin()), std::make_move_iterator(jobs_.end()));
  r.records = std::move(records_);
  r.cluster = std::move(cluster_);
  r.catalog = catalog_;
  r.bills = std::move(bills_);
  return r;
}

RunResult run_scenario(const scenario::Scenario& s, std::uint64_t seed, sim::Recorder& recorder,
                       const RunOptions& opts) {
  World w(s, seed, recorder);
  return w.run(opts);
}

}  // namespace fleetsim::world
