// Karpenter skips work on ticks where nothing it depends on changed (pending
// list re-read, disruption passes) and keeps an index of the nodes a pass needs
// from the cluster's change list. Neither may change a decision: two instances
// see the same randomly churning cluster, one told the pending-list version (so
// it may skip and uses its index), one not (version 0: it rebuilds everything
// every tick); their actions must agree at every tick.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "models/cluster.hpp"
#include "policies/provisioning/karpenter.hpp"
#include "sim/rng.hpp"

namespace fleetsim::policies {
namespace {

using models::NodeId;
using models::NodeState;
using sim::kSecond;
using sim::SimTime;

std::unique_ptr<Provisioner> make_karpenter(const std::string& consolidate_after) {
  const auto* e = ProvisionerRegistry::instance().find("karpenter");
  return e->make(Params(e->params, {{"consolidate_after", consolidate_after}, {"expire_after", "2h"}}));
}

void run_churn(const std::string& consolidate_after, std::uint64_t seed) {
  std::deque<models::InstanceType> types;
  auto type = [&](const char* name, int gpus, int vcpu, double mem) {
    models::InstanceType t;
    t.name = name;
    t.gpus = gpus;
    t.gpu_model = "A10G";
    t.gpu_memory_gib = 24;
    t.vcpu = vcpu;
    t.memory_gib = mem;
    t.reserve_system = false;
    types.push_back(t);
    return &types.back();
  };
  models::Cluster cluster;
  const models::InstanceType* small = type("g4", 4, 48, 192);
  const models::InstanceType* big = type("g8", 8, 96, 384);
  int k = 0;
  for (auto [t, price, spot] : {std::tuple{small, 4.0, false}, std::tuple{big, 7.0, false},
                                std::tuple{small, 1.6, true}, std::tuple{big, 2.8, true}}) {
    models::NodePool p;
    p.name = "np/" + std::to_string(k++);
    p.type = t;
    p.usd_per_hour = price;
    p.max = 1000;
    p.nodepool = "np";
    p.spot = spot;
    p.launch_delay = 20 * kSecond;
    cluster.add_pool(p);
  }
  std::deque<models::Job> jobs;
  std::vector<const models::Job*> running;
  std::vector<NodeId> where;  // per job, while running
  std::vector<PendingJob> pending;
  std::uint64_t pending_version = 1;
  sim::Rng rng(seed), krng_a(1), krng_b(1);
  auto fast = make_karpenter(consolidate_after), full = make_karpenter(consolidate_after);

  for (SimTime t = 0; t < 3 * sim::kHour; t += kSecond) {
    // The cloud: launching nodes run after the delay, booting ones are Ready 30 s later.
    for (NodeId id : std::vector<NodeId>(cluster.live())) {
      const auto& n = cluster.node(id);
      if (n.state == NodeState::launching && t >= n.requested_at + 20 * kSecond)
        cluster.set_state(id, NodeState::booting, t);
      else if (n.state == NodeState::booting && t >= n.launched + 30 * kSecond)
        cluster.set_state(id, NodeState::ready, t);
    }
    // Work arrives and leaves.
    if (rng.uniform01() < 0.03) {
      models::Job j;
      j.id = static_cast<models::JobId>(jobs.size());
      models::PodSpec p;
      p.gpus = rng.below(6) == 0 ? 0 : 1 << rng.below(4);  // none (CPU only), 1, 2, 4 or 8 GPUs
      p.cpu_milli = 4000 * std::max(p.gpus, 1);
      p.memory_mib = 16384 * std::max(p.gpus, 1);
      j.pods = {p};
      jobs.push_back(j);
      running.push_back(nullptr);
      where.push_back(0);
      pending.push_back({&jobs.back(), t});
      ++pending_version;
    }
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (running[i] && rng.uniform01() < 0.0008) {
        cluster.unbind(where[i], {jobs[i].id, 0}, t);
        running[i] = nullptr;
      }
    // The scheduler: first fit of pending jobs.
    std::vector<PendingJob> still;
    for (const auto& pj : pending) {
      NodeId at = UINT32_MAX;
      for (NodeId id : cluster.live())
        if (cluster.fits(cluster.node(id), pj.job->pods[0])) {
          at = id;
          break;
        }
      if (at == UINT32_MAX) {
        still.push_back(pj);
        continue;
      }
      cluster.bind(at, {pj.job->id, 0}, pj.job->pods[0], 0, t);
      running[pj.job->id] = pj.job;
      where[pj.job->id] = at;
    }
    if (still.size() != pending.size()) ++pending_version;
    pending = std::move(still);

    ProvisioningActions a, b;
    fast->reconcile({cluster, pending, t, running, pending_version}, krng_a, a);
    full->reconcile({cluster, pending, t, running, 0}, krng_b, b);
    ASSERT_EQ(a.launch, b.launch) << "t=" << sim::to_seconds(t);
    ASSERT_EQ(a.remove, b.remove) << "t=" << sim::to_seconds(t);
    for (const auto& [pool, count] : a.launch)
      for (int i = 0; i < count; ++i) cluster.add_node(pool, t, 110, NodeState::launching);
    for (NodeId id : a.remove) {
      if (cluster.node(id).state == NodeState::terminated) continue;
      while (!cluster.node(id).pods.empty()) {
        const auto ref = cluster.node(id).pods.back().ref;
        cluster.unbind(id, ref, t);
        running[ref.job] = nullptr;
        pending.push_back({&jobs[ref.job], t});  // evicted: pending again
        ++pending_version;
      }
      cluster.set_state(id, NodeState::terminated, t);
    }
  }
  EXPECT_GT(cluster.nodes().size(), 10u);  // the run did churn
}

TEST(KarpenterQuiet, SkippingNeverChangesDecisions) {
  for (std::uint64_t seed : {1, 2, 3}) run_churn("0s", seed);
}

TEST(KarpenterQuiet, SkippingNeverChangesDecisionsWithConsolidateAfter) {
  for (std::uint64_t seed : {4, 5}) run_churn("5m", seed);
}

}  // namespace
}  // namespace fleetsim::policies
