#pragma once
// Headline metrics of a run, computed from its RunResult: what the terminal
// summary, summary.json and `fleetsim compare` report.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/purchasing.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

struct Percentiles {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};
// Linear interpolation between order statistics (Hyndman-Fan type 7).
double percentile(std::vector<double> sorted_values, double q);
Percentiles percentiles(std::vector<double> values);

struct Summary {
  std::string scenario;
  std::uint64_t seed = 0;
  double simulated_s = 0;
  bool horizon_reached = false;
  std::uint64_t events = 0;
  // Jobs
  std::size_t jobs_total = 0, jobs_arrived = 0, jobs_succeeded = 0, jobs_running = 0, jobs_queued = 0;
  std::size_t jobs_not_arrived = 0;
  std::size_t jobs_failed = 0;  // elastic jobs out of restarts, jobs past backoffLimit (GPU out of memory)
  // Elastic jobs: how many, restarts after losing members, restarts to grow back.
  std::size_t elastic_jobs = 0;
  std::uint64_t elastic_restarts = 0, elastic_rescales = 0;
  std::uint64_t preemptions = 0;
  std::uint64_t evictions = 0;  // jobs evicted because their node was removed or reclaimed
  std::uint64_t interruptions = 0;  // spot nodes reclaimed by the provider
  // GPU sharing: whether any pool shares GPUs; pod starts that ran out of GPU
  // memory; slowdown of finished jobs, (end - first start) / work, which is 1
  // on a GPU of its own and more when neighbours, checkpoints or crashes slow it.
  bool shared_gpus = false;
  std::uint64_t oom_kills = 0;
  std::uint64_t mig_reconfigurations = 0;  // GPUs re-partitioned by a dynamic MIG partitioner
  Percentiles slowdown;
  Percentiles wait_s;  // first start - submit, over jobs that started
  Percentiles jct_s;   // completion - submit, over jobs that finished
  std::map<std::string, Percentiles> wait_s_by_team;  // every team with jobs, "(none)" for no team
  // Capacity
  std::size_t nodes = 0;  // nodes that ran (were billed) at some point
  double node_hours = 0;
  std::int64_t gpus = 0;
  double gpu_seconds_provisioned = 0, gpu_seconds_allocated = 0;
  double gpu_allocation = 0;  // allocated / provisioned
  // Utilization as DCGM reports it (GPU busy time over all provisioned GPUs),
  // from jobs' gpu_utilization. Only as complete as `utilization_known`, the
  // share of allocated GPU-hours whose jobs state a utilization.
  double gpu_utilization = 0;            // busy / provisioned
  double allocated_gpu_utilization = 0;  // busy / known allocated: how busy allocated GPUs are
  double utilization_known = 0;
  struct Usage {
    double provisioned_gpu_hours = 0, allocated_gpu_hours = 0, known_gpu_hours = 0, busy_gpu_hours = 0;
  };
  std::map<std::string, Usage> usage_by_pool, usage_by_team;  // teams own no provisioned GPUs
  // Of the allocated GPU-hours: work lost to interruptions (not checkpointed),
  // time spent writing/restoring checkpoints, and elastic jobs' re-rendezvous
  // pauses; goodput is the rest.
  double lost_gpu_hours = 0, checkpoint_gpu_hours = 0, rescale_pause_gpu_hours = 0, goodput_gpu_hours = 0;
  // Of the provisioned GPU-hours not allocated: nodes booting (billed, not yet
  // schedulable), and idle on running nodes (the rest, draining included).
  double boot_gpu_hours = 0, idle_gpu_hours = 0;
  // Queue waits (all starts) and the part that ended on a node that became Ready
  // after the wait began: capacity the job waited to be provisioned.
  double wait_total_s = 0, provisioning_wait_s = 0;
  std::size_t jobs_waited_for_nodes = 0;
  // Jobs with a deadline (batch inference): finished by it, finished after it or
  // not finished when it passed within the run (failed jobs too), and still
  // open at the end of the run with the deadline beyond it.
  struct Deadlines {
    std::size_t jobs = 0, met = 0, missed = 0, open = 0;
  } deadlines;
  // Interactive notebook sessions: how many, how many the idle culler ended,
  // the GPU-hours they held and the part of those while their user was idle.
  struct Notebooks {
    std::size_t sessions = 0, culled = 0;
    double gpu_hours = 0, idle_gpu_hours = 0;
  } notebooks;
  // Online services (their replicas are not counted as jobs above).
  std::vector<world::ServiceResult> services;
  // Cost (USD)
  double cost_total = 0, cost_allocated = 0, cost_idle = 0;
  std::map<std::string, double> cost_by_pool;
  std::map<std::string, double> cost_by_capacity_type;  // on-demand, spot
  std::map<std::string, double> cost_by_team;
  double cost_per_gpu_hour_used = 0;  // total / allocated GPU-hours
  // The bill under the scenario's purchase options (purchasing:, analysis/purchases.hpp).
  // cost_total stays the bill at on-demand and spot prices (= list_usd); effective_usd
  // has the commitments' fees instead, unused parts included. Absent without purchasing:.
  struct Purchases {
    std::string policy, price_book;
    std::vector<std::string> commitments, notes;
    double list_usd = 0, effective_usd = 0, unused_usd = 0;
    double reserved_hours_used = 0;     // instance-hours the reservations covered
    std::vector<models::BillRow> rows;  // by hour and category: purchases.csv
  };
  std::optional<Purchases> purchases;
};

Summary summarize(const world::RunResult& r);

// A job's deadline at the end of a run that ended at `run_end`.
enum class DeadlineOutcome { none, met, missed, open };
DeadlineOutcome deadline_outcome(const models::Job& j, const world::JobRecord& rec, sim::SimTime run_end);
const char* to_string(DeadlineOutcome o);

// The numbers compare tables and sweeps use, by name (with one wait row per team).
std::vector<std::pair<std::string, double>> headline_metrics(const Summary& s);

}  // namespace fleetsim::analysis
