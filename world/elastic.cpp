// Elastic jobs in the run loop (PyTorchJob elasticPolicy under torchrun,
// SEMANTICS.md §5.1): membership loss, restarts and growing back.
#include "world/world.hpp"

namespace fleetsim::world {

using models::JobId;

// A member's node went away. torchrun stops every worker and re-rendezvouses
// with those left; progress rolls back to the last checkpoint (end_attempt, with
// an emergency checkpoint when a notice allowed one). That restart uses one of
// max_restarts; with none left the job fails. Fewer than min_replicas left: the
// job gives its pods back and waits in the queue like a gang.
void World::lose_members(JobId id) {
  const models::ElasticPolicy& e = *jobs_[id].elastic;
  JobRecord& r = records_[id];
  end_attempt(id);
  accrue(id, sim_.now());
  sim_.cancel(completion_[id]);
  r.evictions++;
  ++evictions_;
  // Survivors: pods on nodes still schedulable. A cordoned node is on its way out.
  std::vector<models::NodeId> left;
  for (models::NodeId n : r.nodes)
    if (cluster_.node(n).state == models::NodeState::ready) left.push_back(n);
  if (r.restarts >= e.max_restarts) return fail(id);
  r.restarts++;
  if (static_cast<int>(left.size()) < e.min_replicas) {
    release(id);
    --running_;
    requeue(id);
    return;
  }
  rebind(id, std::move(left));
  place_more(id);  // replacements that fit now join the rendezvous
  r.last_start = sim_.now();
  begin_attempt(id, true);
}

// The job's pods become `nodes`, numbered 0.. in order; survivors keep their node.
void World::rebind(JobId id, std::vector<models::NodeId> nodes) {
  const models::Job& j = jobs_[id];
  JobRecord& r = records_[id];
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i) cluster_.unbind(r.nodes[i], models::PodRef{id, i}, sim_.now());
  r.nodes = std::move(nodes);
  for (std::uint32_t i = 0; i < r.nodes.size(); ++i)
    cluster_.bind(r.nodes[i], models::PodRef{id, i}, j.pods[i], j.priority, sim_.now());
}

// Capacity freed: running elastic jobs below max take what fits, in job order.
// New members restart the group (back to the last checkpoint, restore and
// rendezvous pause) without using a restart (SEMANTICS.md G5.2). A job whose
// node got a spot notice waits for that loss first: growing now would roll back
// only to lose a member right after, without its emergency checkpoint.
void World::grow_elastic() {
  for (auto it = growable_.begin(); it != growable_.end();) {
    const JobId id = *it++;  // begin_attempt may erase it
    JobRecord& r = records_[id];
    if (r.status != JobStatus::running || notice_at_[id] != sim::kNever) continue;
    const std::size_t before = r.nodes.size();
    accrue(id, sim_.now());  // the old size up to now
    if (place_more(id) == before) continue;
    end_attempt(id);
    sim_.cancel(completion_[id]);
    r.rescales++;
    r.last_start = sim_.now();
    begin_attempt(id, true);
  }
}

// Out of restarts: torchrun gives up and the PyTorchJob fails.
void World::fail(JobId id) {
  release(id);
  JobRecord& r = records_[id];
  r.status = JobStatus::failed;
  r.end = sim_.now();
  growable_.erase(id);
  --running_;
  request_cycle();
}

// Kubernetes created all max_replicas pods of an elastic job; those not placed
// are Pending, and autoscalers provision for them.
void World::add_partly_placed(std::vector<policies::PendingJob>& pending) const {
  for (JobId id : growable_)
    if (records_[id].status == JobStatus::running)
      pending.push_back({&jobs_[id], pending_since_[id], static_cast<std::uint32_t>(records_[id].nodes.size())});
}

}  // namespace fleetsim::world
