// Jobs on shared GPUs: starting on them (and running out of GPU memory), the
// CrashLoopBackOff restart, and the speed changes when neighbours come and go
// (models/gpu_sharing.hpp, docs/sharing.md).
#include <algorithm>

#include "world/world.hpp"

namespace fleetsim::world {

using models::JobId;
using sim::SimTime;

double World::sharing_rate(JobId id) const {
  const JobRecord& r = records_[id];
  double rate = 1.0;  // a gang runs at the pace of its slowest pod
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i)
    rate = std::min(rate, cluster_.sharing_rate(r.nodes[i], models::PodRef{id, i}));
  return rate;
}

std::vector<JobId> World::gpu_neighbours(JobId id) const {
  const JobRecord& r = records_[id];
  std::vector<JobId> out;
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i)
    for (const auto& ref : cluster_.gpu_neighbours(r.nodes[i], models::PodRef{id, i}))
      if (ref.job != id) out.push_back(ref.job);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Its pods load onto their GPUs. One that would cross its GPU's memory (or its
// MPS or MIG limit) fails with out-of-memory, and the job restarts later.
bool World::start_on_shared_gpus(JobId id) {
  const JobRecord& r = records_[id];
  const models::Job& j = jobs_[id];
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i) {
    if (cluster_.start_pod(r.nodes[i], models::PodRef{id, i}, j.pods[i])) continue;
    for (std::uint32_t k = 0; k < i; ++k) cluster_.stop_pod(r.nodes[k], models::PodRef{id, k});
    out_of_memory(id);
    return false;
  }
  accrue(id, sim_.now());
  busy_rate_[id] = sharing_rate(id);
  attempt_[id].rate = base_rate_[id] * busy_rate_[id];
  backing_off_[id] = false;
  retune(gpu_neighbours(id));
  return true;
}

// The container crashed at start: Kubernetes restarts it in place after the
// CrashLoopBackOff delay (it keeps its GPU slot meanwhile) and fails the job
// once it has crashed more often than the Job's backoffLimit.
void World::out_of_memory(JobId id) {
  JobRecord& r = records_[id];
  accrue(id, sim_.now());
  busy_rate_[id] = 0;
  end_attempt(id);
  ++r.oom_kills;
  ++oom_kills_;
  if (r.oom_kills > models::kJobBackoffLimit) return fail(id);
  backing_off_[id] = true;
  // A stopped attempt: no work, nothing to lose, no overhead until the restart.
  attempt_[id] = models::Attempt{{}, jobs_[id].duration, sim_.now(), r.saved_progress, 0.0};
  completion_[id] = sim_.after(models::crash_backoff_us(r.oom_kills), ev_restart_, id);
}

void World::on_restart(JobId id) {
  if (records_[id].status != JobStatus::running || !backing_off_[id]) return;
  accrue(id, sim_.now());
  begin_attempt(id, false);  // resumes from its last checkpoint
}

// Neighbours whose share of a GPU changed go on at their new speed.
void World::retune(std::vector<JobId> jobs) {
  for (JobId id : jobs) {
    if (records_[id].status != JobStatus::running || backing_off_[id]) continue;
    const double share = sharing_rate(id);
    const double rate = base_rate_[id] * share;
    if (rate == attempt_[id].rate) continue;
    accrue(id, sim_.now());
    busy_rate_[id] = share;
    continue_attempt(id, rate);
  }
}

// The same run goes on at another speed. Work done so far stays done; the work
// it had checkpointed is remembered, since the continued attempt counts its
// checkpoints afresh (the next one a full interval of work later).
void World::continue_attempt(JobId id, double rate) {
  models::Attempt& a = attempt_[id];
  const SimTime now = sim_.now();
  sim_.cancel(completion_[id]);
  if (a.work_done(now) == a.progress && a.checkpoints_written(now) == 0) {
    a.rate = rate;  // no work yet (restoring, or paused): the same timeline at the new speed
  } else {
    const SimTime floor = saved_by(id, now);
    const SimTime done = a.work_done(now);
    book_attempt(id, 0, a.overhead(now));
    bound_at_[id] = now;
    models::CheckpointPolicy cp = a.cp;
    cp.restore = 0;
    a = models::Attempt{cp, a.total, now, done, rate};
    saved_floor_[id] = floor;
  }
  if (a.finish() != sim::kNever) completion_[id] = sim_.at(a.finish(), ev_complete_, id);
}

// Work checkpointed by t in the current attempt, counting the floor of a
// continued one until it writes a checkpoint of its own.
SimTime World::saved_by(JobId id, SimTime t) const {
  const models::Attempt& a = attempt_[id];
  if (saved_floor_[id] >= 0 && a.checkpoints_written(t) == 0 && t < a.finish()) return saved_floor_[id];
  return a.saved(t);
}

}  // namespace fleetsim::world
