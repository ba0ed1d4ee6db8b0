// Provisioners and a partly placed elastic job: Kubernetes created all
// max_replicas pods, those not placed are Pending (PendingJob::placed), and
// both autoscalers provision for those pods only.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {
namespace {

using models::NodeState;
using sim::kSecond;

struct Harness {
  std::deque<models::InstanceType> types;
  models::Cluster cluster;
  models::Job job;
  std::vector<PendingJob> pending;
  std::vector<const models::Job*> running{nullptr};
  std::unique_ptr<Provisioner> p;
  sim::Rng rng{3};

  // One 8-GPU instance type in one pool: a CA node group, or a Karpenter offering.
  Harness(const std::string& provisioner, bool karpenter) {
    models::InstanceType t;
    t.name = "gpu8";
    t.gpus = 8;
    t.gpu_model = "A100";
    t.gpu_memory_gib = 80;
    t.vcpu = 96;
    t.memory_gib = 1152;
    t.reserve_system = false;
    types.push_back(t);
    models::NodePool pool;
    pool.name = karpenter ? "default/gpu8/on-demand" : "gpu8";
    pool.type = &types.back();
    pool.usd_per_hour = 10;
    pool.max = 20;
    if (karpenter) pool.nodepool = "default";
    cluster.add_pool(pool);
    const auto* e = ProvisionerRegistry::instance().find(provisioner);
    p = e->make(Params(e->params, {}));
    // A job of 4 workers x 8 GPUs.
    job.id = 0;
    job.name = "elastic";
    models::PodSpec w;
    w.gpus = 8;
    w.cpu_milli = 90000;
    w.memory_mib = 900000;
    job.pods.assign(4, w);
  }
  // Pods 0..placed-1 run on their own ready nodes; the rest are pending.
  void place(std::uint32_t placed) {
    for (std::uint32_t i = 0; i < placed; ++i)
      cluster.bind(cluster.add_node(0, 0), {0, i}, job.pods[i], 0, 0);
    if (placed > 0) running[0] = &job;
    pending.push_back({&job, 0, placed});
  }
  // Nodes asked for in the first `seconds` ticks (1 s apart).
  int launched(int seconds) {
    int n = 0;
    for (int s = 0; s < seconds; ++s) {
      ProvisioningActions a;
      p->reconcile({cluster, pending, s * kSecond, running}, rng, a);
      for (const auto& [pool, count] : a.launch) {
        n += count;
        for (int i = 0; i < count; ++i) cluster.add_node(pool, s * kSecond, 110, NodeState::launching);
      }
    }
    return n;
  }
};

TEST(ElasticPending, ClusterAutoscalerScalesForThePendingPodsOnly) {
  Harness three("cluster-autoscaler", false);
  three.place(3);
  EXPECT_EQ(three.launched(3), 1);  // 3 of 4 running: one node for the 4th pod
  Harness none("cluster-autoscaler", false);
  none.place(0);
  EXPECT_EQ(none.launched(3), 4);  // a queued job: a node per pod
}

TEST(ElasticPending, KarpenterProvisionsForThePendingPodsOnly) {
  // Karpenter batches for 1 s of quiet, then launches.
  Harness three("karpenter", true);
  three.place(3);
  EXPECT_EQ(three.launched(3), 1);
  Harness none("karpenter", true);
  none.place(0);
  EXPECT_EQ(none.launched(3), 4);
}

}  // namespace
}  // namespace fleetsim::policies
