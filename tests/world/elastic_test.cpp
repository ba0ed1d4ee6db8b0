// Elastic training (PyTorchJob elasticPolicy under torchrun) inside a run,
// worked out by hand on one-GPU nodes (one worker each). A scripted provisioner
// removes and adds nodes at exact times; SEMANTICS.md G5.2 is the gold case.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "policies/provisioning/provisioner.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

using sim::kSecond;
using world::JobStatus;

// At `at`, remove node `remove` (if >= 0) and launch `launch` nodes of pool 0.
struct Step {
  sim::SimTime at;
  int remove = -1;
  int launch = 0;
};
// What a provisioner saw pending at one tick: (job, pods placed, pods pending).
struct Seen {
  sim::SimTime at;
  models::JobId job;
  std::uint32_t placed;
  std::size_t pending;
};

// One script per process: ctest runs each test in its own process.
std::vector<Step> g_script;
std::vector<Seen> g_seen;

class Scripted final : public policies::Provisioner {
 public:
  sim::SimTime period() const override { return 10 * kSecond; }
  void reconcile(const policies::ProvisioningView& v, sim::Rng&, policies::ProvisioningActions& a) override {
    for (const auto& pj : v.unschedulable) g_seen.push_back({v.now, pj.job->id, pj.placed, pj.pending_pods().size()});
    for (const auto& s : g_script) {
      if (s.at != v.now) continue;
      if (s.remove >= 0) a.remove.push_back(static_cast<models::NodeId>(s.remove));
      if (s.launch > 0) a.launch.push_back({0, s.launch});
    }
  }
};

const bool registered = policies::ProvisionerRegistry::instance().add(
    {"test-elastic-script", "test only", {}, [](const Params&) { return std::make_unique<Scripted>(); }});

struct Outcome {
  std::unique_ptr<scenario::Scenario> s;
  world::RunResult r;
  analysis::Summary sum;
  const world::JobRecord& rec(const std::string& name) const {
    for (std::size_t i = 0; i < r.jobs.size(); ++i)
      if (r.jobs[i].name == name) return r.records[i];
    throw std::runtime_error("no job " + name);
  }
};

std::string write_trace(const std::string& tag, const std::string& rows) {
  const std::string path = ::testing::TempDir() + "elastic_" + tag + "_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << "job_id,submit,duration,gpus,pods,priority_class\n" << rows;
  return path;
}

// Four g5.xlarge nodes (1 GPU, $1/h here), nodes launched by the script are Ready
// at once. Job E: 1 h of work with 4 workers, checkpoints every 600 s of work
// (10 s write, 20 s restore), rescale pause 30 s.
Outcome run(const std::string& elastic, std::vector<Step> script, const std::string& extra_rows = "",
            const std::string& scheduler = "") {
  g_script = std::move(script);
  g_seen.clear();
  const std::string e = write_trace("e", "E,0,1h,1,4,low\n");
  const std::string h = write_trace("h", extra_rows);
  std::string yaml =
      "name: elastic\npriority_classes:\n  - {name: low, value: 0}\n  - {name: high, value: 1000}\n"
      "cluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 4, max: 8, usd_per_hour: 1.0, "
      "launch_delay: 0s, boot_delay: 0s}\n"
      "provisioning: test-elastic-script\n";
  yaml.append(scheduler).append("workload:\n  - name: e\n    csv: ").append(e);
  yaml.append("\n    checkpoint: {interval: 600s, write: 10s, restore: 20s}\n");
  if (!elastic.empty()) yaml.append("    elastic: ").append(elastic).append("\n");
  if (!extra_rows.empty()) yaml.append("  - {name: h, csv: ").append(h).append("}\n");
  Outcome o;
  o.s = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "elastic.yaml", ""));
  analysis::MemoryRecorder rec;
  world::World w(*o.s, 1, rec);
  o.r = w.run();
  o.sum = analysis::summarize(o.r);
  std::filesystem::remove(e);
  std::filesystem::remove(h);
  return o;
}

const char* kG52 = "{min_replicas: 2, max_replicas: 4, max_restarts: 3, rescale_pause: 30s}";

TEST(Elastic, GoldCaseG52RestartsSmallerThenGrowsBack) {
  // 0 s: 4 workers, rate 1. Work 0-600 s, write 600-610 s, work again from 610 s.
  // 1000 s: node 1 removed. Done 600 + 390 = 990 s of work, saved 600: 390 s
  //   lost. 3 survivors >= min 2: restart 1 of 3 at world size 3 (rate 3/4).
  //   Pause 30 s (1030 s), restore 20 s (1050 s), then work from 600.
  // 1500 s: a 4th node is Ready. The group grows: 450 s of work time at 3/4 =
  //   337.5 s of work, none saved (the next checkpoint would be at 1850 s): lost.
  //   Rescale (no restart used): pause to 1530 s, restore to 1550 s, rate 1.
  //   3000 s of work left: 4 checkpoints (4 x 610 s) and a last 600 s:
  //   1550 + 2440 + 600 = 4590 s.
  // 2000 s: a 5th node: nothing changes (max 4).
  Outcome o = run(kG52, {{1000 * kSecond, 1, 0}, {1500 * kSecond, -1, 1}, {2000 * kSecond, -1, 1}});
  const auto& e = o.rec("E");
  EXPECT_EQ(e.status, JobStatus::succeeded);
  EXPECT_EQ(e.first_start, 0);
  EXPECT_EQ(e.restarts, 1);  // max_restarts 3: 2 remain
  EXPECT_EQ(e.rescales, 1);
  EXPECT_EQ(e.evictions, 1);
  EXPECT_EQ(e.replicas, 4);
  EXPECT_EQ(e.last_start, 1500 * kSecond);  // the 5th node did not restart it
  EXPECT_EQ(e.end, 4590 * kSecond);
  EXPECT_DOUBLE_EQ(e.lost_work_s, 390.0 + 337.5);
  // Writes: 1 (first run) + restore (second) + restore and 4 writes (third).
  EXPECT_DOUBLE_EQ(e.checkpoint_overhead_s, 10.0 + 20.0 + 20.0 + 40.0);
  EXPECT_DOUBLE_EQ(e.rescale_pause_s, 60.0);
  // GPU-seconds held: 4 x 1000 + 3 x 500 + 4 x 3090.
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4000.0 + 1500.0 + 12360.0);
  EXPECT_NEAR(e.cost_usd, 17860.0 / 3600, 1e-9);
  // Lost work in GPU-s: 390 s x 4; 337.5 s of work at 3/4 took 450 s x 3 GPUs.
  EXPECT_DOUBLE_EQ(e.lost_gpu_s, 1560.0 + 1350.0);
  EXPECT_DOUBLE_EQ(e.checkpoint_gpu_s, 40.0 + 60.0 + 240.0);
  EXPECT_DOUBLE_EQ(e.rescale_pause_gpu_s, 90.0 + 120.0);
  // Linear scaling: what is left is exactly 1 h of work on 4 GPUs.
  EXPECT_NEAR(o.sum.goodput_gpu_hours, 4.0, 1e-9);
  EXPECT_EQ(o.sum.elastic_jobs, 1u);
  EXPECT_EQ(o.sum.elastic_restarts, 1u);
  EXPECT_EQ(o.sum.elastic_rescales, 1u);
  // After 1000 s and until the tick that launches the 4th node, provisioners see
  // its 4th pod Pending; never before or after.
  bool seen_partial = false;
  for (const auto& s : g_seen) {
    EXPECT_TRUE(s.at > 1000 * kSecond && s.at <= 1500 * kSecond) << sim::to_seconds(s.at);
    seen_partial = seen_partial || (s.placed == 3 && s.pending == 1);
  }
  EXPECT_TRUE(seen_partial);
  // Pods 0..2 stayed on the survivors, pod 3 went to the new node 4; node 5 is empty.
  EXPECT_EQ(e.nodes, (std::vector<models::NodeId>{0, 2, 3, 4}));
}

TEST(Elastic, CompletionFollowsTheScalingCurve) {
  // As above, but node 1 never comes back and 3 workers run at speedup(3) /
  // speedup(4) with the table: speedup(3) = 1.8 + (3.2 - 1.8) / 2 = 2.5, rate
  // 2.5 / 3.2 = 0.78125. From 1050 s, 3000 s of work: 600 s segments take
  // 600 / 0.78125 = 768 s; 4 of them with a 10 s write, then the last 600 s:
  // 1050 + 4 x 778 + 768 = 4930 s.
  Outcome o = run(
      "{min_replicas: 2, max_replicas: 4, max_restarts: 3, scaling: {table: [[1, 1.0], [2, 1.8], [4, 3.2]]}}",
      {{1000 * kSecond, 1, 0}});
  const auto& e = o.rec("E");
  EXPECT_EQ(e.status, JobStatus::succeeded);
  EXPECT_EQ(e.replicas, 3);
  EXPECT_EQ(e.end, 4930 * kSecond);
  EXPECT_EQ(e.rescales, 0);
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4 * 1000.0 + 3 * 3930.0);
}

TEST(Elastic, OutOfRestartsTheJobFails) {
  // max_restarts 1: the loss at 1000 s uses it (3 workers go on); the loss at
  // 1500 s finds none left, so the job fails there and gives its pods back.
  Outcome o = run("{min_replicas: 2, max_replicas: 4, max_restarts: 1}",
                  {{1000 * kSecond, 1, 0}, {1500 * kSecond, 2, 0}});
  const auto& e = o.rec("E");
  EXPECT_EQ(e.status, JobStatus::failed);
  EXPECT_EQ(e.end, 1500 * kSecond);
  EXPECT_EQ(e.restarts, 1);
  EXPECT_EQ(e.evictions, 2);
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4 * 1000.0 + 3 * 500.0);
  EXPECT_EQ(o.sum.jobs_failed, 1u);
  EXPECT_EQ(o.sum.jobs_succeeded, 0u);
  EXPECT_EQ(o.sum.jobs_failed + o.sum.jobs_succeeded + o.sum.jobs_running + o.sum.jobs_queued, o.sum.jobs_total);
  EXPECT_EQ(o.r.cluster.gpus_allocated(), 0);
  for (const auto& n : o.r.cluster.nodes()) EXPECT_TRUE(n.pods.empty()) << n.name;
}

TEST(Elastic, FewerThanMinSurvivorsRequeue) {
  // min = max = 4: losing node 1 at 1000 s leaves 3 < 4. The restart is used
  // and the job waits in the queue, all pods Pending (placed 0), until a node
  // comes at 1500 s. It starts at 4 with the pause and restore from the 600 s
  // checkpoint: 1530 s, 1550 s, then 4 x 610 + 600 -> 4590 s.
  Outcome o = run("{min_replicas: 4, max_replicas: 4, max_restarts: 3}",
                  {{1000 * kSecond, 1, 0}, {1500 * kSecond, -1, 1}});
  const auto& e = o.rec("E");
  EXPECT_EQ(e.status, JobStatus::succeeded);
  EXPECT_EQ(e.restarts, 1);
  EXPECT_EQ(e.rescales, 0);
  EXPECT_EQ(e.last_start, 1500 * kSecond);
  EXPECT_EQ(e.end, 4590 * kSecond);
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4 * 1000.0 + 4 * 3090.0);
  bool seen_queued = false;
  for (const auto& s : g_seen) seen_queued = seen_queued || (s.placed == 0 && s.pending == 4);
  EXPECT_TRUE(seen_queued);
}

TEST(Elastic, GangWithoutElasticPolicyRestartsWhole) {
  // The same job as a gang: the loss at 1000 s sends it back to the queue whole;
  // 3 nodes never start it; at 1500 s it resumes from 600 s without a pause:
  // restore to 1520 s, then 4 x 610 + 600 -> 4560 s.
  Outcome o = run("", {{1000 * kSecond, 1, 0}, {1500 * kSecond, -1, 1}});
  const auto& e = o.rec("E");
  EXPECT_EQ(e.status, JobStatus::succeeded);
  EXPECT_EQ(e.last_start, 1500 * kSecond);
  EXPECT_EQ(e.end, 4560 * kSecond);
  EXPECT_EQ(e.restarts + e.rescales, 0);
  EXPECT_EQ(e.replicas, 4);
  EXPECT_DOUBLE_EQ(e.rescale_pause_s, 0.0);
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4 * 1000.0 + 4 * 3060.0);
  EXPECT_EQ(o.sum.elastic_jobs, 0u);
}

TEST(Elastic, PreemptionEvictsTheWholeJobWithoutUsingARestart) {
  // H (priority 1000, 1 GPU, 600 s) arrives at 1000 s and preempts E: E's whole
  // group gets the 30 s grace. A 10 s emergency write fits, saving the 990 s of
  // work done at the notice. At 1030 s H takes one node and E restarts on the
  // other 3 (min 2): pause to 1060 s, restore to 1080 s, rate 3/4. H ends at
  // 1630 s; E grows to 4: it lost 550 s x 3/4 = 412.5 s of work. From 990 s,
  // 2610 s are left: pause to 1660 s, restore to 1680 s, 4 x 610 + 210 -> 4330 s.
  Outcome o = run(kG52, {}, "H,1000,600s,1,1,high\n",
                  "scheduler:\n  queue: {policy: priority, preemption: true}\n  preemption_grace: 30s\n");
  const auto& e = o.rec("E");
  const auto& h = o.rec("H");
  EXPECT_EQ(h.first_start, 1030 * kSecond);
  EXPECT_EQ(h.end, 1630 * kSecond);
  EXPECT_EQ(e.preemptions, 1);
  EXPECT_EQ(e.restarts, 0);
  EXPECT_EQ(e.rescales, 1);
  EXPECT_EQ(e.end, 4330 * kSecond);
  EXPECT_DOUBLE_EQ(e.lost_work_s, 412.5);
  EXPECT_DOUBLE_EQ(e.gpu_seconds, 4 * 1030.0 + 3 * 600.0 + 4 * 2700.0);
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// Conservation on busy spot runs with few restarts allowed: every job ends in
// exactly one state, failed jobs used all their restarts, running ones hold a
// world size in [min, max], the cluster matches the records, and money and
// GPU-seconds add up.
void check_conservation(const world::RunResult& r, const analysis::Summary& s) {
  std::size_t by_status[6] = {0, 0, 0, 0, 0, 0};
  std::int64_t held = 0;
  double job_usd = 0, job_gpu_s = 0, bill = 0, idle = 0;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& j = r.jobs[i];
    const auto& rec = r.records[i];
    SCOPED_TRACE(j.name);
    by_status[static_cast<int>(rec.status)]++;
    job_usd += rec.cost_usd;
    job_gpu_s += rec.gpu_seconds;
    const int min = j.elastic ? j.elastic->min_replicas : static_cast<int>(j.pods.size());
    const int max = j.elastic ? j.elastic->max_replicas : static_cast<int>(j.pods.size());
    EXPECT_LE(rec.restarts, j.elastic ? j.elastic->max_restarts : 0);
    EXPECT_TRUE(j.elastic || rec.rescales == 0);
    if (rec.status == JobStatus::failed) {
      ASSERT_TRUE(j.elastic.has_value());
      EXPECT_EQ(rec.restarts, j.elastic->max_restarts);
    }
    if (rec.status == JobStatus::running || rec.status == JobStatus::terminating) {
      EXPECT_GE(rec.replicas, min);
      EXPECT_LE(rec.replicas, max);
      EXPECT_EQ(rec.nodes.size(), static_cast<std::size_t>(rec.replicas));
      for (std::size_t k = 0; k < rec.nodes.size(); ++k) held += j.pods[k].whole_gpus();
    }
    if (rec.status == JobStatus::queued) {
      EXPECT_TRUE(rec.nodes.empty());
    }
    EXPECT_GE(rec.lost_gpu_s, 0);
  }
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::failed)], s.jobs_failed);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::succeeded)], s.jobs_succeeded);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::queued)], s.jobs_queued);
  EXPECT_EQ(s.jobs_succeeded + s.jobs_failed + s.jobs_running + s.jobs_queued + s.jobs_not_arrived, s.jobs_total);
  for (const auto& n : r.cluster.nodes()) {
    bill += r.bills[n.id].cost_usd;
    idle += r.bills[n.id].idle_usd;
    for (const auto& b : n.pods) {
      const auto st = r.records[b.ref.job].status;
      EXPECT_TRUE(st == JobStatus::running || st == JobStatus::terminating) << world::to_string(st);
      EXPECT_EQ(r.records[b.ref.job].nodes.at(b.ref.pod), n.id);
    }
  }
  EXPECT_EQ(r.cluster.gpus_allocated(), held);
  EXPECT_NEAR(job_usd + idle, bill, 1e-6 * bill);
  EXPECT_NEAR(job_gpu_s, s.gpu_seconds_allocated, 1e-6 * s.gpu_seconds_allocated);
  EXPECT_GE(s.goodput_gpu_hours, 0);
}

Outcome run_file(const std::string& path, std::uint64_t seed, const std::vector<std::string>& sets) {
  Outcome o;
  o.s = std::make_unique<scenario::Scenario>(scenario::load_scenario(path, sets));
  analysis::MemoryRecorder rec;
  world::World w(*o.s, seed, rec);
  o.r = w.run();
  o.sum = analysis::summarize(o.r);
  return o;
}

// Elastic and gang jobs of 1-GPU workers on a spot pool reclaimed often, a
// quarter of its nodes at a time (so groups drop below min), with preemption.
TEST(ElasticConservation, SpotPoolWithGangsAndPreemption) {
  const std::string yaml = R"(name: churn
horizon: 10d
priority_classes:
  - {name: low, value: 0}
  - {name: high, value: 1000}
cluster:
  pools:
    - name: s
      instance_type: g5.xlarge
      count: 12
      capacity_type: spot
      spot: {discount: 0.6, interruption: 0.99, correlated_share: 0.25, notice: 2m}
scheduler:
  queue: {policy: priority, preemption: true}
workload:
  - name: elastic
    checkpoint: {interval: 20m, write: 1m, restore: 1m}
    elastic: {min_replicas: 2, max_replicas: 4, max_restarts: 1, scaling: {amdahl: 0.9}}
    synthetic:
      until: 9d
      arrivals: {rate: 1/h}
      duration: {distribution: lognormal, median: 3h, sigma: 0.8, min: 10m, max: 1d}
      shapes:
        - {pods: 4, gpus_per_pod: 1, cpu_milli_per_pod: 2000, memory_mib_per_pod: 8192}
      teams:
        - {name: a, priority_class: low}
  - name: gangs
    checkpoint: {interval: 20m, write: 1m, restore: 1m}
    synthetic:
      until: 9d
      arrivals: {rate: 0.3/h}
      duration: {distribution: exponential, mean: 2h, min: 5m}
      shapes:
        - {weight: 1, pods: 2, gpus_per_pod: 1, cpu_milli_per_pod: 2000, memory_mib_per_pod: 8192}
        - {weight: 1, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 2000, memory_mib_per_pod: 8192}
      teams:
        - {name: b, priority_class: high}
)";
  std::uint64_t failed = 0, restarts = 0, rescales = 0, preempted = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Outcome o;
    o.s = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "churn.yaml", ""));
    analysis::MemoryRecorder rec;
    world::World w(*o.s, seed, rec);
    o.r = w.run();
    o.sum = analysis::summarize(o.r);
    check_conservation(o.r, o.sum);
    failed += o.sum.jobs_failed;
    restarts += o.sum.elastic_restarts;
    rescales += o.sum.elastic_rescales;
    for (std::size_t i = 0; i < o.r.jobs.size(); ++i)
      if (o.r.jobs[i].elastic) preempted += static_cast<std::uint64_t>(o.r.records[i].preemptions);
  }
  EXPECT_GT(failed, 0u);
  EXPECT_GT(restarts, failed);
  EXPECT_GT(rescales, 0u);
  EXPECT_GT(preempted, 0u);
}

TEST(ElasticConservation, KarpenterSpotWithFewRestarts) {
  const std::string path = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/elastic-training.yaml";
  std::uint64_t failed = 0, restarts = 0, rescales = 0;
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Outcome o = run_file(path, seed,
                         {"workload[0].elastic.max_restarts=1", "karpenter.nodepools[0].spot.interruption=0.99",
                          "horizon=6d", "workload[0].synthetic.until=5d"});
    check_conservation(o.r, o.sum);
    failed += o.sum.jobs_failed;
    restarts += o.sum.elastic_restarts;
    rescales += o.sum.elastic_rescales;
  }
  // The runs exercised every path.
  EXPECT_GT(failed, 0u);
  EXPECT_GT(restarts, failed);
  EXPECT_GT(rescales, 0u);
}

}  // namespace
}  // namespace fleetsim
