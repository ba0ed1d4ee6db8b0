#include "analysis/summary.hpp"

#include "analysis/service_outputs.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim::analysis {

using world::JobStatus;

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * q;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.count = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  p.p50 = percentile(v, 0.50);
  p.p90 = percentile(v, 0.90);
  p.p99 = percentile(v, 0.99);
  p.max = v.back();
  return p;
}

DeadlineOutcome deadline_outcome(const models::Job& j, const world::JobRecord& rec, sim::SimTime run_end) {
  if (j.deadline == sim::kNever) return DeadlineOutcome::none;
  if (rec.status == JobStatus::succeeded) return rec.end <= j.deadline ? DeadlineOutcome::met : DeadlineOutcome::missed;
  // Not finished: missed once the deadline has passed, or when it never will finish.
  if (j.deadline <= run_end || rec.status == JobStatus::failed) return DeadlineOutcome::missed;
  return DeadlineOutcome::open;
}

const char* to_string(DeadlineOutcome o) {
  switch (o) {
    case DeadlineOutcome::none: return "none";
    case DeadlineOutcome::met: return "met";
    case DeadlineOutcome::missed: return "missed";
    case DeadlineOutcome::open: return "open";
  }
  return "?";
}

Summary summarize(const world::RunResult& r) {
  Summary s;
  s.scenario = r.scenario_name;
  s.seed = r.seed;
  s.simulated_s = sim::to_seconds(r.end);
  s.horizon_reached = r.horizon_reached;
  s.events = r.events;
  s.preemptions = r.preemptions;
  std::vector<double> waits, jcts, slowdowns;
  std::map<std::string, std::vector<double>> team_waits;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& j = r.jobs[i];
    const auto& rec = r.records[i];
    const std::string team = j.team.empty() ? "(none)" : j.team;
    s.cost_by_team[team] += rec.cost_usd;
    auto& tu = s.usage_by_team[team];
    tu.allocated_gpu_hours += rec.gpu_seconds / 3600;
    if (j.gpu_utilization >= 0) {
      tu.known_gpu_hours += rec.gpu_seconds / 3600;
      tu.busy_gpu_hours += rec.busy_gpu_seconds / 3600;
    }
    if (j.service >= 0) continue;  // a service replica: reported with its service, not as a job
    ++s.jobs_total;
    switch (rec.status) {
      case JobStatus::not_arrived: s.jobs_not_arrived++; break;
      case JobStatus::queued: s.jobs_queued++; break;
      case JobStatus::running:
      case JobStatus::terminating: s.jobs_running++; break;
      case JobStatus::succeeded: s.jobs_succeeded++; break;
      case JobStatus::failed: s.jobs_failed++; break;
      case JobStatus::stopped: break;  // (replicas only)
    }
    auto& tw = team_waits[team];
    if (rec.first_start >= 0) {
      waits.push_back(sim::to_seconds(rec.first_start - j.submit));
      tw.push_back(waits.back());
    }
    if (rec.status == JobStatus::succeeded) jcts.push_back(sim::to_seconds(rec.end - j.submit));
    if (rec.status == JobStatus::succeeded && j.duration > 0 && !j.elastic)
      slowdowns.push_back(static_cast<double>(rec.end - rec.first_start) / static_cast<double>(j.duration));
    if (const DeadlineOutcome d = deadline_outcome(j, rec, r.end); d != DeadlineOutcome::none) {
      s.deadlines.jobs++;
      s.deadlines.met += d == DeadlineOutcome::met;
      s.deadlines.missed += d == DeadlineOutcome::missed;
      s.deadlines.open += d == DeadlineOutcome::open;
    }
    if (j.notebook_active_share >= 0) {
      s.notebooks.sessions++;
      s.notebooks.culled += j.culled;
      s.notebooks.gpu_hours += rec.gpu_seconds / 3600;
      s.notebooks.idle_gpu_hours += rec.gpu_seconds / 3600 * (1 - j.notebook_active_share);
    }
    s.wait_total_s += rec.wait_s;
    s.provisioning_wait_s += rec.provisioning_wait_s;
    s.jobs_waited_for_nodes += rec.provisioning_wait_s > 0;
    if (j.elastic) {
      // Its attempts ran at different sizes: the world booked GPU-seconds per attempt.
      s.elastic_jobs++;
      s.elastic_restarts += static_cast<std::uint64_t>(rec.restarts);
      s.elastic_rescales += static_cast<std::uint64_t>(rec.rescales);
      s.lost_gpu_hours += rec.lost_gpu_s / 3600;
      s.checkpoint_gpu_hours += rec.checkpoint_gpu_s / 3600;
      s.rescale_pause_gpu_hours += rec.rescale_pause_gpu_s / 3600;
    } else {
      // Every attempt held all its GPUs: seconds x GPUs is exact.
      s.lost_gpu_hours += rec.lost_work_s * j.total_gpus() / 3600;
      s.checkpoint_gpu_hours += rec.checkpoint_overhead_s * j.total_gpus() / 3600;
    }
  }
  s.jobs_arrived = s.jobs_total - s.jobs_not_arrived;
  s.wait_s = percentiles(std::move(waits));
  for (auto& [team, w] : team_waits) s.wait_s_by_team[team] = percentiles(std::move(w));
  s.jct_s = percentiles(std::move(jcts));
  s.slowdown = percentiles(std::move(slowdowns));
  s.services = r.services;
  s.oom_kills = r.oom_kills;
  s.mig_reconfigurations = r.mig_reconfigurations;
  for (const auto& p : r.cluster.pools()) s.shared_gpus = s.shared_gpus || p.sharing.shares();
  s.evictions = r.evictions;
  s.interruptions = r.interruptions;
  s.gpus = r.cluster.gpus_total();
  for (const auto& n : r.cluster.nodes()) {
    const auto& b = r.bills[n.id];
    s.nodes += n.launched != sim::kNever;
    s.node_hours += b.lifetime_s / 3600;
    s.gpu_seconds_provisioned += n.allocatable.gpus * b.lifetime_s;
    if (n.launched != sim::kNever) {
      const sim::SimTime ready = std::min({n.ready_at, n.terminated, r.end});
      s.boot_gpu_hours += n.allocatable.gpus * sim::to_seconds(std::max<sim::SimTime>(0, ready - n.launched)) / 3600;
    }
    s.gpu_seconds_allocated += b.allocated_gpu_seconds;
    auto& pu = s.usage_by_pool[r.cluster.pools()[n.pool].name];
    pu.provisioned_gpu_hours += n.allocatable.gpus * b.lifetime_s / 3600;
    pu.allocated_gpu_hours += b.allocated_gpu_seconds / 3600;
    pu.known_gpu_hours += b.known_gpu_seconds / 3600;
    pu.busy_gpu_hours += b.busy_gpu_seconds / 3600;
    s.cost_total += b.cost_usd;
    s.cost_allocated += b.allocated_usd;
    s.cost_idle += b.idle_usd;
    s.cost_by_pool[r.cluster.pools()[n.pool].name] += b.cost_usd;
    if (n.launched != sim::kNever) s.cost_by_capacity_type[b.spot ? "spot" : "on-demand"] += b.cost_usd;
  }
  s.goodput_gpu_hours =
      s.gpu_seconds_allocated / 3600 - s.lost_gpu_hours - s.checkpoint_gpu_hours - s.rescale_pause_gpu_hours;
  s.idle_gpu_hours = (s.gpu_seconds_provisioned - s.gpu_seconds_allocated) / 3600 - s.boot_gpu_hours;
  double known = 0, busy = 0;
  for (const auto& [pool, u] : s.usage_by_pool) {
    known += u.known_gpu_hours;
    busy += u.busy_gpu_hours;
  }
  s.gpu_utilization = s.gpu_seconds_provisioned > 0 ? busy * 3600 / s.gpu_seconds_provisioned : 0;
  s.allocated_gpu_utilization = known > 0 ? busy / known : 0;
  s.utilization_known = s.gpu_seconds_allocated > 0 ? known * 3600 / s.gpu_seconds_allocated : 0;
  s.gpu_allocation = s.gpu_seconds_provisioned > 0 ? s.gpu_seconds_allocated / s.gpu_seconds_provisioned : 0;
  s.cost_per_gpu_hour_used = s.gpu_seconds_allocated > 0 ? s.cost_total / (s.gpu_seconds_allocated / 3600) : 0;
  return s;
}

std::vector<std::pair<std::string, double>> headline_metrics(const Summary& s) {
  std::vector<std::pair<std::string, double>> m{{"cost_usd", s.cost_total},
          {"idle_cost_usd", s.cost_idle},
          {"gpu_allocation", s.gpu_allocation},
          {"jobs_succeeded", static_cast<double>(s.jobs_succeeded)},
          {"jobs_queued_at_end", static_cast<double>(s.jobs_queued)},
          {"wait_mean_s", s.wait_s.mean},
          {"wait_p50_s", s.wait_s.p50},
          {"wait_p99_s", s.wait_s.p99},
          {"jct_p50_s", s.jct_s.p50},
          {"jct_p99_s", s.jct_s.p99},
          {"preemptions", static_cast<double>(s.preemptions)},
          {"evictions", static_cast<double>(s.evictions)},
          {"lost_gpu_hours", s.lost_gpu_hours},
          {"gpu_utilization", s.gpu_utilization},
          {"boot_gpu_hours", s.boot_gpu_hours},
          {"idle_gpu_hours", s.idle_gpu_hours},
          {"provisioning_wait_s", s.provisioning_wait_s},
          {"spot_interruptions", static_cast<double>(s.interruptions)},
          {"node_hours", s.node_hours},
          {"simulated_h", s.simulated_s / 3600}};
  // Only where elastic jobs ran (shared GPUs report jobs_failed below), so that other
  // scenarios' tables stay as they were.
  if (s.elastic_jobs > 0) {
    m.emplace_back("jobs_failed", static_cast<double>(s.jobs_failed));
    m.emplace_back("elastic_restarts", static_cast<double>(s.elastic_restarts));
    m.emplace_back("elastic_rescales", static_cast<double>(s.elastic_rescales));
  }
  // Where GPUs are shared or utilization is known (a whole-GPU variant compared
  // with shared ones must show its own figures, not blanks).
  if (s.shared_gpus || s.utilization_known > 0) {
    m.emplace_back("oom_kills", static_cast<double>(s.oom_kills));
    if (s.shared_gpus) m.emplace_back("mig_reconfigurations", static_cast<double>(s.mig_reconfigurations));
    if (s.elastic_jobs == 0) m.emplace_back("jobs_failed", static_cast<double>(s.jobs_failed));
    m.emplace_back("slowdown_mean", s.slowdown.mean);
    m.emplace_back("allocated_gpu_utilization", s.allocated_gpu_utilization);
    m.emplace_back("cost_per_finished_job_usd", s.jobs_succeeded > 0 ? s.cost_total / static_cast<double>(s.jobs_succeeded) : 0);
  }
  if (s.purchases) {  // only with a purchasing: block, so that other tables stay as they were
    m.emplace_back("cost_effective_usd", s.purchases->effective_usd);
    m.emplace_back("commitment_unused_usd", s.purchases->unused_usd);
  }
  // Only where jobs have deadlines or notebooks ran, so that other tables stay as they were.
  if (s.deadlines.jobs > 0) m.emplace_back("deadline_misses", static_cast<double>(s.deadlines.missed));
  if (s.notebooks.sessions > 0) {
    m.emplace_back("notebook_sessions_culled", static_cast<double>(s.notebooks.culled));
    m.emplace_back("notebook_idle_gpu_hours", s.notebooks.idle_gpu_hours);
  }
  if (s.wait_s_by_team.size() > 1)
    for (const auto& [team, p] : s.wait_s_by_team) m.emplace_back("wait_mean_s[" + team + "]", p.mean);
  add_service_metrics(s.services, m);
  return m;
}

}  // namespace fleetsim::analysis
