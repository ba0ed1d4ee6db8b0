#pragma once
// What one run leaves behind: the workload, each job's fate, each node's bill.
// analysis/ turns this into summaries and files.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "models/job.hpp"
#include "sim/time.hpp"

namespace fleetsim::world {

// failed: an elastic job out of restarts, or a job whose pods ran out of GPU
// memory more often than a Job's backoffLimit (terminal, like succeeded).
// stopped: a service replica removed by a scale-down (terminal; not a job).
enum class JobStatus : std::uint8_t { not_arrived, queued, running, terminating, succeeded, failed, stopped };
const char* to_string(JobStatus s);

struct JobRecord {
  JobStatus status = JobStatus::not_arrived;
  sim::SimTime first_start = -1;  // first time all pods (elastic: min_replicas) were placed
  sim::SimTime last_start = -1;   // start of the last attempt (elastic: also restarts)
  sim::SimTime end = -1;          // completion, or failure
  int preemptions = 0;
  int evictions = 0;              // pods evicted because their node was removed
  sim::SimTime saved_progress = 0;  // work checkpointed (what a restart resumes from)
  double lost_work_s = 0;           // work done but not checkpointed when interrupted
  double wait_s = 0;                // queued time before each start, all starts
  // Of wait_s: waits that ended on a node that became Ready after the wait began
  // (the job waited for capacity being provisioned).
  double provisioning_wait_s = 0;
  double checkpoint_overhead_s = 0; // time spent writing and restoring checkpoints
  // Elastic jobs (0 otherwise but replicas): restarts after losing members (at
  // most max_restarts), restarts to grow back (free), workers of the current or
  // last attempt (0 while queued), and time paused at re-rendezvous.
  int restarts = 0;
  int rescales = 0;
  int replicas = 0;
  double rescale_pause_s = 0;
  // GPU-seconds of lost work, checkpoint overhead and rendezvous pauses, each at
  // its attempt's world size.
  double lost_gpu_s = 0, checkpoint_gpu_s = 0, rescale_pause_gpu_s = 0;
  // Rate multiplier of the last attempt for where its GPUs landed (1 = all
  // NVLinked on one node, or no topology sensitivity); models/topology_slowdown.hpp.
  double topology_rate = 1;
  int oom_kills = 0;               // starts that ran out of GPU memory on a shared GPU (each restarted after a back-off)
  double gpu_seconds = 0;         // GPUs held x time, all attempts (shared GPUs: its share)
  double busy_gpu_seconds = 0;    // jobs with a known utilization: GPU compute used x time
  double cost_usd = 0;            // share of the nodes it occupied
  std::vector<models::NodeId> nodes;  // where its pods run (or last ran)
};

struct NodeBill {
  double lifetime_s = 0;
  double billed_s = 0;            // lifetime raised to the billing minimum
  double cost_usd = 0;
  double allocated_usd = 0;       // charged to jobs
  double idle_usd = 0;            // cost_usd - allocated_usd
  bool spot = false;
  bool reclaimed = false;         // interrupted by the provider
  double allocated_gpu_seconds = 0;
  double known_gpu_seconds = 0;  // allocated GPU-seconds of jobs whose utilization is known
  double busy_gpu_seconds = 0;   // of those, x the job's GPU utilization
};

// One online service over the run (docs/serving.md). Requests are counted in
// aggregate, so counts are real numbers; arrived = served + dropped + timed_out
// + queued_end exactly (up to rounding).
struct ServiceResult {
  std::string name, namespace_, team;
  double arrived = 0, served = 0, dropped = 0, timed_out = 0, queued_end = 0;
  double served_after_queueing = 0;  // of served: waited for a free replica first
  double latency_mean_s = 0, latency_p50_s = 0, latency_p95_s = 0, latency_p99_s = 0;
  double slo_s = 0;
  // Requests answered within the SLO over requests that arrived and left (served,
  // dropped or timed out): a dropped or timed-out request missed it.
  double slo_attainment = 0;
  int cold_starts = 0;              // replicas that became ready after a cold start (not those serving at t = 0)
  double cold_start_s = 0;          // their time from placement to ready, summed
  double pending_s = 0;             // replicas' time waiting for a node, summed
  double ready_replica_s = 0;       // ready replicas x time
  double no_ready_s = 0;            // time without any ready replica
  int max_ready = 0;
  int replicas_created = 0;
  double cost_usd = 0, gpu_seconds = 0, busy_gpu_seconds = 0;
  double usd_per_million() const { return served > 0 ? cost_usd / served * 1e6 : 0; }
};

struct RunResult {
  std::string scenario_name;
  std::string scenario_text;
  std::uint64_t seed = 0;
  sim::SimTime end = 0;
  sim::SimTime horizon = sim::kNever;
  bool horizon_reached = false;
  std::uint64_t events = 0;
  std::uint64_t preemptions = 0;
  std::uint64_t evictions = 0;
  std::uint64_t interruptions = 0;  // spot nodes reclaimed by the provider
  std::uint64_t oom_kills = 0;      // pod starts that ran out of memory on shared GPUs
  std::uint64_t mig_reconfigurations = 0;  // GPUs re-partitioned by a dynamic MIG partitioner
  std::vector<models::Job> jobs;
  std::vector<JobRecord> records;
  models::Cluster cluster;
  std::shared_ptr<const models::InstanceCatalog> catalog;  // owns the types `cluster` points to
  std::vector<NodeBill> bills;
  std::vector<ServiceResult> services;
};

}  // namespace fleetsim::world
