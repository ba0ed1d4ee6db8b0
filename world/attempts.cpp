// A job's runs: binding its pods, starting an attempt (an elastic one at its
// world size's rate, after the re-rendezvous pause), booking what an attempt
// lost and spent, and going back to the queue.
#include <algorithm>

#include "world/world.hpp"

namespace fleetsim::world {

using models::JobId;
using sim::SimTime;

// Binds the job's next pods in order until one does not fit; returns how many
// are bound in all.
std::size_t World::place_more(JobId id) {
  const models::Job& j = jobs_[id];
  JobRecord& r = records_[id];
  for (auto i = static_cast<std::uint32_t>(r.nodes.size()); i < j.pods.size(); ++i) {
    auto node = placement_->place(j.pods[i], cluster_);
    if (!node) break;
    // What it would use of a GPU alone (unknown: all of it), for shared GPUs.
    const double demand = j.gpu_utilization >= 0 ? j.gpu_utilization : 1.0;
    cluster_.bind(*node, models::PodRef{id, i}, j.pods[i], j.priority, sim_.now(), demand);
    r.nodes.push_back(*node);
  }
  return r.nodes.size();
}

// A new run on the pods the job holds now. An elastic one runs at its world
// size's rate and, on a restart, first waits for the re-rendezvous (its pods
// are held and billed meanwhile).
void World::begin_attempt(JobId id, bool restart) {
  const models::Job& j = jobs_[id];
  JobRecord& r = records_[id];
  const SimTime now = sim_.now();
  const int n = static_cast<int>(r.nodes.size());
  SimTime start = now;
  double rate = 1.0;
  if (j.elastic) {
    ++queue_version_;  // its Pending pods changed (provisioners see them)
    rate = j.elastic->rate(n);
    if (restart) start += j.elastic->rescale_pause;
    if (n < j.elastic->max_replicas) {
      growable_.insert(id);
      pending_since_[id] = now;  // its other pods are Pending from now
    } else {
      growable_.erase(id);
    }
  }
  rate *= r.topology_rate = models::topology_rate(j.topology, cluster_, id, r.nodes);  // placement fixed per attempt
  r.replicas = n;
  bound_at_[id] = now;
  base_rate_[id] = rate;
  saved_floor_[id] = -1;
  attempt_[id] = models::Attempt{j.checkpoint, j.duration, start, r.saved_progress, rate};
  notice_at_[id] = sim::kNever;
  if (sharing_ && !start_on_shared_gpus(id)) return;  // out of GPU memory: restarts after a back-off
  if (j.service >= 0) return start_replica(id);       // serves until scaled down
  completion_[id] = sim_.at(attempt_[id].finish(), ev_complete_, id);
}

// Lost work and overheads of the attempt ending now, also in GPU-seconds at its
// world size: an elastic job's attempts differ in size (and lost work took
// work / rate of wall time). The rendezvous pause is overhead, not work.
void World::book_attempt(JobId id, SimTime lost, SimTime overhead) {
  const models::Attempt& a = attempt_[id];
  const models::Job& j = jobs_[id];
  JobRecord& r = records_[id];
  double gpus = 0;
  for (int i = 0; i < r.replicas; ++i) gpus += j.pods[static_cast<std::size_t>(i)].whole_gpus();
  const double pause_s = sim::to_seconds(std::max<SimTime>(0, std::min(sim_.now(), a.start) - bound_at_[id]));
  r.lost_work_s += sim::to_seconds(lost);
  r.checkpoint_overhead_s += sim::to_seconds(overhead);
  r.rescale_pause_s += pause_s;
  r.lost_gpu_s += sim::to_seconds(lost) / a.rate * gpus;
  r.checkpoint_gpu_s += sim::to_seconds(overhead) * gpus;
  r.rescale_pause_gpu_s += pause_s * gpus;
}

// Back to the queue after its pods were released.
void World::requeue(JobId id) {
  if (replica_deleted(id)) return;  // scaled down meanwhile: not recreated
  JobRecord& r = records_[id];
  r.status = JobStatus::queued;
  r.nodes.clear();
  r.replicas = 0;
  growable_.erase(id);
  pending_since_[id] = sim_.now();
  queue_->add(jobs_[id]);
  ++queue_version_;
}

}  // namespace fleetsim::world
