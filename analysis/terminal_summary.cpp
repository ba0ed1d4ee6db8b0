#include "analysis/terminal_summary.hpp"

#include "analysis/service_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>
#include <string>

namespace fleetsim::analysis {

std::string human_duration(double s) {
  char b[32];
  if (s < 60) std::snprintf(b, sizeof b, "%.0fs", s);
  else if (s < 3600) std::snprintf(b, sizeof b, "%.1fm", s / 60);
  else if (s < 86400 * 2) std::snprintf(b, sizeof b, "%.1fh", s / 3600);
  else std::snprintf(b, sizeof b, "%.1fd", s / 86400);
  return b;
}

namespace {
std::string money(double usd) {
  char b[32];
  std::snprintf(b, sizeof b, "$%.2f", usd);
  return b;
}
std::string pct(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * f);
  return b;
}
}  // namespace

void print_summary(std::ostream& out, const Summary& s) {
  out << "fleetsim: " << s.scenario << " (seed " << s.seed << "), simulated " << human_duration(s.simulated_s)
      << (s.horizon_reached ? " (stopped at the horizon)" : "") << "\n";
  char nh[32];
  std::snprintf(nh, sizeof nh, "%.1f", s.node_hours);
  out << "  cluster     " << s.nodes << " nodes ran for " << nh << " node-hours; " << s.gpus << " GPUs at the end\n";
  const double idle = std::abs(s.cost_idle) < 0.005 ? 0.0 : s.cost_idle;  // no "-0.00" from rounding
  out << "  cost        " << money(s.cost_total) << " total: " << money(s.cost_allocated)
      << (s.services.empty() ? " used by jobs, " : " used by jobs and services, ") << money(idle) << " idle (" << pct(s.cost_total > 0 ? idle / s.cost_total : 0) << ")\n";
  if (s.cost_by_capacity_type.count("spot"))
    out << "              spot " << money(s.cost_by_capacity_type.at("spot")) << ", on-demand "
        << money(s.cost_by_capacity_type.count("on-demand") ? s.cost_by_capacity_type.at("on-demand") : 0) << "\n";
  // The most expensive pools; the rest in one line.
  std::vector<std::pair<double, std::string>> pools;
  for (const auto& [pool, c] : s.cost_by_pool) pools.emplace_back(-c, pool);
  std::sort(pools.begin(), pools.end());
  double rest = 0;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (i < 4 || pools.size() == 5) out << "              " << pools[i].second << ": " << money(-pools[i].first) << "\n";
    else rest -= pools[i].first;
  }
  if (pools.size() > 5) out << "              " << pools.size() - 4 << " other pools: " << money(rest) << "\n";
  if (s.purchases) {
    const auto& p = *s.purchases;
    out << "  purchases   " << p.policy << ": " << money(p.effective_usd) << " effective (list " << money(p.list_usd)
        << ", commitment savings " << money(p.list_usd - p.effective_usd) << ", unused commitment "
        << money(p.unused_usd) << ")\n";
    for (const auto& c : p.commitments) out << "              " << c << "\n";
    for (const auto& n : p.notes) out << "              note: " << n << "\n";
  }
  out << "  GPUs        " << pct(s.gpu_allocation) << " of provisioned GPU-hours allocated ("
      << static_cast<long long>(s.gpu_seconds_allocated / 3600) << " of "
      << static_cast<long long>(s.gpu_seconds_provisioned / 3600) << " GPU-h)\n";
  if (s.utilization_known > 0) {
    out << "              utilization " << pct(s.gpu_utilization) << " of provisioned GPU time busy (DCGM-style), "
        << pct(s.allocated_gpu_utilization) << " of allocated";
    if (s.utilization_known < 1 - 1e-9) out << " (known for " << pct(s.utilization_known) << " of allocated GPU-h)";
    out << "\n";
  }
  if (s.boot_gpu_hours > 0) {
    char g[160];
    std::snprintf(g, sizeof g, "unallocated: %.1f GPU-h booting, %.1f GPU-h idle on running nodes\n", s.boot_gpu_hours,
                  s.idle_gpu_hours);
    out << "              " << g;
  }
  if (s.lost_gpu_hours > 0 || s.checkpoint_gpu_hours > 0 || s.rescale_pause_gpu_hours > 0) {
    char g[192];
    std::snprintf(g, sizeof g, "%.1f GPU-h goodput, %.1f lost to interruptions, %.1f writing checkpoints",
                  s.goodput_gpu_hours, s.lost_gpu_hours, s.checkpoint_gpu_hours);
    out << "              " << g;
    if (s.rescale_pause_gpu_hours > 0) {
      std::snprintf(g, sizeof g, ", %.1f at re-rendezvous", s.rescale_pause_gpu_hours);
      out << g;
    }
    out << "\n";
  }
  print_services(out, s.services);
  // A run of services alone has no jobs to report.
  const bool jobs = s.jobs_total > 0 || s.services.empty();
  if (jobs) {
    out << "  jobs        " << s.jobs_succeeded << " of " << s.jobs_arrived << " arrived finished, " << s.jobs_running
        << " running, " << s.jobs_queued << " queued";
    if (s.jobs_failed) out << ", " << s.jobs_failed << " failed";
    if (s.jobs_not_arrived) out << ", " << s.jobs_not_arrived << " after the horizon";
    out << "; ";
  } else {
    out << "  pods        ";
  }
  out << s.preemptions << " preemptions";
  if (s.evictions) out << ", " << s.evictions << " evictions (node removed or reclaimed)";
  if (s.interruptions) out << ", " << s.interruptions << " spot interruptions";
  out << "\n";
  if (s.elastic_jobs)
    out << "  elastic     " << s.elastic_jobs << " jobs: " << s.elastic_restarts << " restarts after losing workers, "
        << s.elastic_rescales << " to grow back, " << s.jobs_failed << " failed out of restarts\n";
  if (s.shared_gpus) {
    char g[224];
    std::snprintf(g, sizeof g,
                  "  sharing     slowdown p50 %.2fx, p90 %.2fx, mean %.2fx (run time / work); %llu out-of-memory "
                  "crashes",
                  s.slowdown.p50, s.slowdown.p90, s.slowdown.mean, static_cast<unsigned long long>(s.oom_kills));
    out << g;
    if (s.mig_reconfigurations) out << "; " << s.mig_reconfigurations << " MIG re-partitions";
    out << "\n";
  }
  if (s.deadlines.jobs > 0)
    out << "  deadlines   " << s.deadlines.jobs << " jobs with a deadline: " << s.deadlines.met << " met, "
        << s.deadlines.missed << " missed, " << s.deadlines.open << " still open at the end\n";
  if (s.notebooks.sessions > 0) {
    char g[224];
    std::snprintf(g, sizeof g, "%zu sessions, %zu ended by the idle culler; %.1f GPU-h held, %.1f of them idle (%s)",
                  s.notebooks.sessions, s.notebooks.culled, s.notebooks.gpu_hours, s.notebooks.idle_gpu_hours,
                  pct(s.notebooks.gpu_hours > 0 ? s.notebooks.idle_gpu_hours / s.notebooks.gpu_hours : 0).c_str());
    out << "  notebooks   " << g << "\n";
  }
  if (!jobs) return;
  out << "  queue wait  p50 " << human_duration(s.wait_s.p50) << ", p90 " << human_duration(s.wait_s.p90)
      << ", p99 " << human_duration(s.wait_s.p99) << ", mean " << human_duration(s.wait_s.mean) << "\n";
  if (s.jobs_waited_for_nodes > 0)
    out << "              " << pct(s.wait_total_s > 0 ? s.provisioning_wait_s / s.wait_total_s : 0)
        << " of waiting was for new nodes (" << s.jobs_waited_for_nodes << " jobs started on a node that became Ready "
        << "while they waited)\n";
  if (s.wait_s_by_team.size() > 1)
    for (const auto& [team, p] : s.wait_s_by_team)
      out << "              " << team << ": p50 " << human_duration(p.p50) << ", p90 " << human_duration(p.p90)
          << ", mean " << human_duration(p.mean) << "\n";
  out << "  completion  p50 " << human_duration(s.jct_s.p50) << ", p90 " << human_duration(s.jct_s.p90) << ", p99 "
      << human_duration(s.jct_s.p99) << " (submit to finish)\n";
}

}  // namespace fleetsim::analysis
