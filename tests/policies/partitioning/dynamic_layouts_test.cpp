// The dynamic MIG partitioner's plans on a hand-built node, and a run whose
// batch window, reconfiguration delay and start times are computed by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "models/cluster.hpp"
#include "policies/partitioning/mig_partitioner.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

std::unique_ptr<policies::MigPartitioner> dynamic_partitioner() {
  const auto* e = policies::MigPartitionerRegistry::instance().find("dynamic");
  return e->make(Params(e->params, {}));
}

struct MigNode {
  models::InstanceType type;
  models::Cluster cluster;
  models::NodeId id = 0;
  explicit MigNode(const std::vector<std::string>& layout) {
    type.name = "p4d.24xlarge";
    type.gpu_model = "A100";
    type.gpus = 2;
    type.gpu_memory_gib = 40;
    type.vcpu = 96;
    type.memory_gib = 1152;
    models::NodePool pool;
    pool.name = "mig";
    pool.type = &type;
    pool.sharing.mode = models::SharingMode::mig;
    pool.sharing.mig = models::parse_mig_spec("mixed", layout, type);
    id = cluster.add_node(cluster.add_pool(pool), 0);
  }
  models::PodSpec pod(const std::string& profile) const {
    models::PodSpec p;
    p.cpu_milli = 1000;
    p.memory_mib = 1024;
    p.mig_profile = profile;
    return p;
  }
};

TEST(DynamicLayouts, RecreatesAFreeGpuForWhatIsPending) {
  MigNode n({"7g.40gb"});
  const auto plan = dynamic_partitioner()->plan(n.cluster, {"1g.5gb", "1g.5gb", "3g.20gb"});
  // GPU 0: the free 7g.40gb goes; 1g at slices 0 and 1, 3g.20gb at 4 (its starts are 0 and 4).
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].gpu, 0);
  EXPECT_EQ(plan[0].remove, 1u);
  EXPECT_EQ(models::MigLayout{plan[0].add}.to_string(), "1g.5gb@0, 1g.5gb@1, 3g.20gb@4");
}

TEST(DynamicLayouts, KeepsInstancesInUseAndFreeOnesThatPendingPodsTake) {
  MigNode n({"3g.20gb", "3g.20gb"});  // per GPU: 3g@0, 3g@4
  n.cluster.bind(n.id, {0, 0}, n.pod("3g.20gb"), 0, 0);  // GPU 0's 3g@0 in use
  // One pending 3g.20gb takes GPU 0's free 3g@4; the two 2g.10gb need new room:
  // not on GPU 0 (3g@0 in use, 3g@4 kept), so GPU 1: 2g@0 and 2g@2, and its
  // free 3g@0 overlaps them and goes while its 3g@4 stays.
  const auto plan = dynamic_partitioner()->plan(n.cluster, {"3g.20gb", "2g.10gb", "2g.10gb"});
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].gpu, 1);
  EXPECT_EQ(models::MigLayout{plan[0].add}.to_string(), "2g.10gb@0, 2g.10gb@2");
  EXPECT_EQ(plan[0].remove, 1u << 2);  // node.mig[2] is GPU 1's 3g@0
  EXPECT_TRUE(dynamic_partitioner()->plan(n.cluster, {"3g.20gb"}).empty());  // a free one exists
}

TEST(DynamicLayouts, NothingWhenNoGpuHasRoom) {
  MigNode n({"7g.40gb"});
  n.cluster.bind(n.id, {0, 0}, n.pod("7g.40gb"), 0, 0);
  n.cluster.bind(n.id, {1, 0}, n.pod("7g.40gb"), 0, 0);
  EXPECT_TRUE(dynamic_partitioner()->plan(n.cluster, {"1g.5gb"}).empty());
}

TEST(DynamicLayoutsRun, BatchWindowThenReconfigurationDelay) {
  // a (1g.5gb) arrives at 0 s: the batch begins; b and c at 5 s reset the idle
  // window (10 s): the plan is made at 15 s and the instances are advertised 30 s
  // later. All three start at 45 s on GPU 0, and run their hour.
  const std::string trace = ::testing::TempDir() + "mig_dyn_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus,mig_profile,gpu_utilization\n"
                          "a,0,1h,0,1g.5gb,0.1\nb,5,1h,0,1g.5gb,0.1\nc,5,1h,0,3g.20gb,0.3\n";
  const std::string yaml =
      "name: m\ncluster:\n  pools:\n    - {name: p, instance_type: p4d.24xlarge, count: 1,\n"
      "       sharing: {mode: mig, strategy: mixed, layout: [7g.40gb]}}\nmig_partitioning: dynamic\n"
      "workload:\n  - {name: t, csv: " + trace + "}\n";
  const auto s = scenario::parse_scenario(yaml, "m.yaml", "");
  sim::NullRecorder rec;
  const auto r = world::World(s, s.seed, rec).run();
  for (const auto& rc : r.records) {
    EXPECT_EQ(rc.status, world::JobStatus::succeeded);
    EXPECT_DOUBLE_EQ(sim::to_seconds(rc.first_start), 45);
    EXPECT_DOUBLE_EQ(sim::to_seconds(rc.end), 3645);
  }
  EXPECT_EQ(r.mig_reconfigurations, 1u);
  // Without dynamic partitioning no 7g.40gb layout ever offers a 1g.5gb.
  try {
    scenario::Scenario st = s;
    st.mig_partitioning = {"static", {}};
    world::World w(st, st.seed, rec);
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("MIG instance 1g.5gb: no node of the cluster can ever hold it"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(trace);
}

TEST(DynamicLayoutsYaml, NeedsAMixedMigPool) {
  const std::string yaml =
      "name: m\ncluster:\n  pools:\n    - {name: p, instance_type: p4d.24xlarge, count: 1}\n"
      "mig_partitioning: dynamic\nworkload:\n  - name: w\n    synthetic: {count: 1, arrivals: {rate: 1/h},\n"
      "      duration: {distribution: exponential, mean: 1h}, shapes: [{weight: 1, gpus_per_pod: 1}]}\n";
  try {
    scenario::parse_scenario(yaml, "m.yaml", "");
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "m.yaml:5: mig_partitioning: expected static, unless a pool shares its GPUs with sharing: {mode: mig, "
              "strategy: mixed}, got 'dynamic'");
  }
}

}  // namespace
}  // namespace fleetsim
