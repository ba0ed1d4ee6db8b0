// Online services in a run (docs/serving.md): each service's replicas are pods
// like any other (queued, placed, provisioned for, preempted, billed); a
// replica serves once its cold start (image pull and model load) is over. The
// service's requests are a fluid between events (models/serving/fluid_queue.hpp):
// it is advanced to the present whenever the number of ready replicas changes
// and on every autoscaler period, with the arrival rate's pieces in between.
#include <algorithm>

#include "util/input_error.hpp"
#include "world/make_policy.hpp"
#include "world/world.hpp"

namespace fleetsim::world {

using models::JobId;
using sim::SimTime;

namespace {
// Services without an autoscaler are still accounted (and their replicas
// replaced) on a period.
constexpr SimTime kFixedServicePeriod = 60 * sim::kSecond;
}  // namespace

void World::init_services() {
  if (scenario_.services.empty()) return;
  ev_service_tick_ = sim_.add_handler("service-tick", [this](std::uint64_t i) { on_service_tick(i); });
  ev_replica_ready_ =
      sim_.add_handler("replica-ready", [this](std::uint64_t j) { replica_ready(static_cast<JobId>(j), true); });
  services_.reserve(scenario_.services.size());
  for (std::size_t i = 0; i < scenario_.services.size(); ++i) {
    const scenario::ServiceSpec& spec = scenario_.services[i];
    ServiceState& sv = services_.emplace_back(spec);
    if (spec.autoscaler) sv.autoscaler = make_policy<policies::Autoscaler>(*spec.autoscaler);
    models::Job& t = sv.replica;
    t.name = spec.name;
    t.namespace_ = spec.namespace_;
    t.team = spec.team;
    t.labels = spec.labels;
    t.labels.emplace("service", spec.name);
    t.labels.emplace("workload_type", "inference");
    t.priority_class = spec.priority_class;
    if (!spec.priority_class.empty()) {
      const auto* pc = scenario_.priority_classes.find(spec.priority_class);
      if (!pc)
        throw InputError(spec.where + ": services[" + std::to_string(i) +
                         "].priority_class: expected one of the scenario's priority_classes, got '" +
                         spec.priority_class + "'");
      t.priority = pc->value;
      t.preempts = pc->preempts;
    } else if (const auto d = scenario_.priority_classes.global_default()) {
      t.priority = d->value;
      t.preempts = d->preempts;
    }
    t.duration = sim::kNever;
    t.gpu_utilization = spec.gpu_busy_at_capacity;
    t.pods = {spec.pod};
    t.source = spec.where;
    t.service = static_cast<std::int32_t>(i);
    check_fits(t);
    sv.s_ready = recorder_.series("replicas_ready." + spec.name, "replicas");
    sv.s_desired = recorder_.series("replicas_desired." + spec.name, "replicas");
    sim_.every(sv.autoscaler ? sv.autoscaler->period() : kFixedServicePeriod, 0, ev_service_tick_, i);
    scale_service(i, spec.replicas);
    // The Deployment existed before the scenario starts: replicas that find a
    // node at once are already serving (no cold start at t = 0).
    for (JobId id : sv.replicas) prewarmed_[id] = true;
  }
}

void World::on_service_tick(std::size_t i) {
  advance_service(i, sim_.now());
  ServiceState& sv = services_[i];
  int desired = sv.desired;
  if (sv.autoscaler) desired = sv.autoscaler->desired(autoscaler_view(i));
  scale_service(i, desired);  // also replaces replicas that failed
  sv.window = {};
  sv.window_start = sim_.now();
  sample_service(sv);
}

// What the autoscaler observes: the rates over its last period and, per pod,
// the metrics a monitoring pipeline would report (only ready pods report).
policies::AutoscalerView World::autoscaler_view(std::size_t i) {
  const ServiceState& sv = services_[i];
  const scenario::ServiceSpec& spec = *sv.spec;
  const SimTime now = sim_.now();
  const double dt = sim::to_seconds(now - sv.window_start);
  policies::AutoscalerView v;
  v.now = now;
  v.current_replicas = sv.desired;
  v.ready_replicas = sv.ready;
  v.queued = sv.queue.queued();
  v.arrival_rate = dt > 0 ? sv.window.arrived / dt : spec.traffic.rate_at(now);
  const double capacity = spec.model.capacity();
  const double served_rate = dt > 0 ? sv.window.served / dt : 0;
  // In flight (Little's law): served requests x their time at a replica, plus
  // the requests waiting for one.
  if (dt > 0)
    v.concurrency = (sv.ready > 0 ? served_rate * sv.latency.direct_mean(served_rate / sv.ready) : 0) +
                    sv.window.wait_sum_s / dt;
  v.concurrency = std::max(v.concurrency, v.queued);
  for (const auto& m : spec.metrics) {
    policies::MetricView mv;
    mv.name = scenario::to_string(m.name);
    mv.target = m.target;
    mv.type = policies::MetricTarget::average_value;
    if (m.name == scenario::ServiceMetric::Name::queue_depth) {
      mv.type = policies::MetricTarget::external_total;
      mv.total = v.queued;
    } else if (sv.ready > 0) {
      // Each ready replica gets an even share (the load balancer spreads evenly).
      const double per_replica = v.arrival_rate / sv.ready;
      double value = 0;
      switch (m.name) {
        case scenario::ServiceMetric::Name::gpu_utilization:
          value = std::min(1.0, served_rate / sv.ready / capacity) * spec.gpu_busy_at_capacity * 100;
          break;
        case scenario::ServiceMetric::Name::requests_per_s: value = per_replica; break;
        case scenario::ServiceMetric::Name::latency_ms: {
          const double queued_wait = sv.window.served > 0 ? sv.window.wait_sum_s / sv.window.served : 0;
          value = 1000 * (queued_wait + sv.latency.direct_mean(per_replica));
          break;
        }
        case scenario::ServiceMetric::Name::queue_depth: break;
      }
      for (JobId id : sv.replicas)
        mv.pods.push_back(ready_[id] ? policies::PodMetric{true, value} : policies::PodMetric{false, std::nullopt});
    } else {
      for (std::size_t k = 0; k < sv.replicas.size(); ++k) mv.pods.push_back({false, std::nullopt});
    }
    v.metrics.push_back(std::move(mv));
  }
  return v;
}

// Brings the service's request accounting up to `until` with the replicas ready
// now, piece by piece of the arrival rate.
void World::advance_service(std::size_t i, SimTime until) {
  ServiceState& sv = services_[i];
  if (until <= sv.advanced_to) return;
  const scenario::ServiceSpec& spec = *sv.spec;
  const double capacity = spec.model.capacity();
  const models::serving::FluidService fs{sv.ready, capacity, spec.queue_cap, sim::to_seconds(spec.timeout)};
  spec.traffic.pieces(sv.advanced_to, until, sv.pieces);
  for (std::size_t k = 0; k < sv.pieces.size(); ++k) {
    const SimTime from = std::max(sv.pieces[k].start, sv.advanced_to);
    const SimTime to = k + 1 < sv.pieces.size() ? sv.pieces[k + 1].start : until;
    const double rate = sv.pieces[k].rate;
    const auto c = sv.queue.advance(to, rate, fs, &sv.latency);
    if (sv.ready > 0) sv.latency.add_direct(rate / sv.ready, c.served_direct);
    const double dt = sim::to_seconds(to - from);
    set_load(sv, sv.ready > 0 && dt > 0 ? std::min(1.0, c.served / (sv.ready * capacity * dt)) : 0.0, from);
    sv.window += c;
    sv.total += c;
    sv.ready_replica_s += sv.ready * dt;
    if (sv.ready == 0) sv.no_ready_s += dt;
  }
  sv.advanced_to = until;
}

// Ready replicas are busy `load` of their capacity from `from` on; what they
// were busy before is accrued first.
void World::set_load(ServiceState& sv, double load, SimTime from) {
  if (load == sv.load) return;
  for (JobId id : sv.replicas)
    if (ready_[id]) {
      accrue(id, from);
      load_[id] = load;
    }
  sv.load = load;
}

void World::scale_service(std::size_t i, int desired) {
  ServiceState& sv = services_[i];
  sv.desired = std::max(0, desired);
  // A failed replica (out of GPU memory too often) is replaced, as a ReplicaSet does.
  std::erase_if(sv.replicas, [&](JobId id) {
    return records_[id].status == JobStatus::failed || records_[id].status == JobStatus::stopped;
  });
  while (static_cast<int>(sv.replicas.size()) < sv.desired) add_replica(i);
  while (static_cast<int>(sv.replicas.size()) > sv.desired) {
    // The ReplicaSet controller deletes the cheapest pods first: terminating or
    // unscheduled, then not ready, then the most recently started ready ones.
    const auto rank = [&](JobId id) {
      const JobStatus st = records_[id].status;
      if (st == JobStatus::terminating || st == JobStatus::queued) return 0;
      return ready_[id] ? 2 : 1;
    };
    const auto victim = std::max_element(sv.replicas.begin(), sv.replicas.end(), [&](JobId a, JobId b) {
      if (rank(a) != rank(b)) return rank(a) > rank(b);
      return records_[a].last_start < records_[b].last_start || (records_[a].last_start == records_[b].last_start && a < b);
    });
    const JobId id = *victim;
    sv.replicas.erase(victim);
    delete_replica(id);
  }
  sample_service(sv);
}

void World::add_replica(std::size_t i) {
  ServiceState& sv = services_[i];
  models::Job j = sv.replica;
  j.id = static_cast<JobId>(jobs_.size());
  j.name = sv.spec->name + "-" + std::to_string(sv.next_number++);
  j.submit = sim_.now();
  jobs_.push_back(std::move(j));
  size_per_job();
  const JobId id = jobs_.back().id;
  load_[id] = 0;  // busy only once ready
  sv.replicas.push_back(id);
  on_arrival(id);
}

void World::delete_replica(JobId id) {
  JobRecord& r = records_[id];
  switch (r.status) {
    case JobStatus::queued:
      queue_->remove(jobs_[id]);
      ++queue_version_;
      break;
    case JobStatus::running:
      sim_.cancel(completion_[id]);  // a crash back-off's restart
      release(id);
      --running_;
      request_cycle();
      break;
    case JobStatus::terminating:
      deleted_[id] = true;  // goes when its eviction completes (requeue)
      return;
    default: return;
  }
  r.status = JobStatus::stopped;
  r.end = sim_.now();
}

bool World::replica_deleted(JobId id) {
  if (jobs_[id].service < 0 || !deleted_[id]) return false;
  records_[id].status = JobStatus::stopped;
  records_[id].end = sim_.now();
  return true;
}

// Placed and started: it pulls its image and loads its model before serving.
void World::start_replica(JobId id) {
  const scenario::ServiceSpec& spec = *services_[static_cast<std::size_t>(jobs_[id].service)].spec;
  const bool warm = prewarmed_[id] && sim_.now() == 0;
  prewarmed_[id] = false;
  if (warm) return replica_ready(id, false);
  ready_event_[id] = sim_.after(spec.image_pull + spec.model_load, ev_replica_ready_, id);
}

void World::replica_ready(JobId id, bool cold) {
  if (records_[id].status != JobStatus::running || backing_off_[id] || ready_[id]) return;
  const auto i = static_cast<std::size_t>(jobs_[id].service);
  advance_service(i, sim_.now());
  ServiceState& sv = services_[i];
  ready_[id] = true;
  ++sv.ready;
  accrue(id, sim_.now());
  load_[id] = sv.load;
  if (cold) {
    ++sv.cold_starts;
    sv.cold_start_s += sim::to_seconds(sim_.now() - records_[id].last_start);
  }
  sv.max_ready = std::max(sv.max_ready, sv.ready);
  sample_service(sv);
}

// Its pods are going (scale-down, eviction, preemption, a crash): it stops serving.
void World::replica_released(JobId id) {
  sim_.cancel(ready_event_[id]);
  load_[id] = 0;
  if (!ready_[id]) return;
  const auto i = static_cast<std::size_t>(jobs_[id].service);
  advance_service(i, sim_.now());
  ready_[id] = false;
  --services_[i].ready;
  sample_service(services_[i]);
}

void World::sample_service(const ServiceState& sv) {
  recorder_.gauge(sv.s_ready, sim_.now(), sv.ready);
  recorder_.gauge(sv.s_desired, sim_.now(), sv.desired);
}

std::vector<ServiceResult> World::service_results() {
  std::vector<ServiceResult> out;
  for (const ServiceState& sv : services_) {
    const scenario::ServiceSpec& spec = *sv.spec;
    ServiceResult r;
    r.name = spec.name;
    r.namespace_ = spec.namespace_;
    r.team = spec.team;
    r.arrived = sv.total.arrived;
    r.served = sv.total.served;
    r.dropped = sv.total.dropped;
    r.timed_out = sv.total.timed_out;
    r.queued_end = sv.queue.queued();
    r.served_after_queueing = sv.total.served - sv.total.served_direct;
    r.latency_mean_s = sv.latency.mean();
    r.latency_p50_s = sv.latency.quantile(0.50);
    r.latency_p95_s = sv.latency.quantile(0.95);
    r.latency_p99_s = sv.latency.quantile(0.99);
    r.slo_s = sim::to_seconds(spec.slo);
    const double left = r.served + r.dropped + r.timed_out;
    r.slo_attainment = left > 0 ? sv.latency.cdf(r.slo_s) * r.served / left : 0;
    r.cold_starts = sv.cold_starts;
    r.cold_start_s = sv.cold_start_s;
    r.ready_replica_s = sv.ready_replica_s;
    r.no_ready_s = sv.no_ready_s;
    r.max_ready = sv.max_ready;
    out.push_back(r);
  }
  for (JobId id = 0; id < jobs_.size(); ++id) {
    if (jobs_[id].service < 0) continue;
    ServiceResult& r = out[static_cast<std::size_t>(jobs_[id].service)];
    const JobRecord& rec = records_[id];
    ++r.replicas_created;
    r.pending_s += rec.wait_s;
    r.cost_usd += rec.cost_usd;
    r.gpu_seconds += rec.gpu_seconds;
    r.busy_gpu_seconds += rec.busy_gpu_seconds;
  }
  return out;
}

}  // namespace fleetsim::world
