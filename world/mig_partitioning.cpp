// MIG layouts that follow demand: pending pods asking for MIG instances are
// batched, the partitioner plans which GPUs to re-partition, the world destroys
// their free instances at once and advertises the new ones after the
// reconfiguration delay (policies/partitioning/, docs/sharing.md).
#include <algorithm>

#include "world/world.hpp"

namespace fleetsim::world {

using models::JobId;

std::vector<std::string> World::pending_mig_profiles() const {
  std::vector<std::string> out;
  queue_->for_each([&](JobId id) {
    if (records_[id].status == JobStatus::queued)
      for (const auto& p : jobs_[id].pods)
        if (!p.mig_profile.empty()) out.push_back(p.mig_profile);
    return true;
  });
  return out;
}

// After each scheduling cycle: a batch begins with the first pending MIG pod and
// ends once no new one has appeared for batch_idle, or at batch_timeout.
void World::watch_mig_pending() {
  const std::size_t n = pending_mig_profiles().size();
  if (n == 0) {
    sim_.cancel(mig_batch_end_);
    mig_batch_start_ = sim::kNever;
    mig_pending_seen_ = 0;
    return;
  }
  const bool grew = n > mig_pending_seen_;
  mig_pending_seen_ = n;
  if (!grew) return;
  const sim::SimTime now = sim_.now();
  if (mig_batch_start_ == sim::kNever) mig_batch_start_ = now;
  sim_.cancel(mig_batch_end_);
  mig_batch_end_ = sim_.at(std::min(now + partitioner_->batch_idle(), mig_batch_start_ + partitioner_->batch_timeout()),
                           ev_partition_);
}

void World::on_partition() {
  mig_batch_start_ = sim::kNever;
  mig_pending_seen_ = 0;  // pods still pending after this plan start the next batch
  const auto pending = pending_mig_profiles();
  if (pending.empty()) return;
  for (auto& r : partitioner_->plan(cluster_, pending)) {
    cluster_.begin_mig_reconfiguration(r.node, r.gpu, r.remove);
    repartitions_.push_back(std::move(r));
    sim_.after(partitioner_->reconfigure_delay(), ev_mig_ready_, repartitions_.size() - 1);
  }
}

void World::on_mig_ready(std::size_t i) {
  const auto& r = repartitions_[i];
  if (cluster_.node(r.node).state == models::NodeState::terminated) return;
  cluster_.add_mig_instances(r.node, r.gpu, r.add);
  capacity_freed_ = true;
  request_cycle();
}

}  // namespace fleetsim::world
