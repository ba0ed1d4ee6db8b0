// Jobs on shared GPUs in a run: the contention slowdown as neighbours come and
// go, out-of-memory crashes with Kubernetes' back-off, MIG and MPS limits,
// fractional shares, and the money and GPU-time invariants. Timelines by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

struct Run {
  world::RunResult result;
  const world::JobRecord& job(const std::string& name) const {
    for (std::size_t i = 0; i < result.jobs.size(); ++i)
      if (result.jobs[i].name == name) return result.records[i];
    throw std::runtime_error("no job " + name);
  }
  double end_s(const std::string& name) const { return sim::to_seconds(job(name).end); }
};

// One node of `type` whose GPUs are shared by `sharing`; the jobs of a CSV trace.
Run run(const std::string& type, const std::string& sharing, const std::string& rows) {
  static int n = 0;
  const std::string trace = ::testing::TempDir() + "sharing_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus,gpu_milli,gpu_memory_mib,gpu_utilization\n" << rows;
  const std::string yaml = "name: sharing\nseed: 1\ncluster:\n  pools:\n    - {name: p, instance_type: " + type +
                           ", count: 1, sharing: " + sharing + "}\nworkload:\n  - {name: t, csv: " + trace + "}\n";
  const auto s = scenario::parse_scenario(yaml, "sharing.yaml", "");
  sim::NullRecorder rec;
  Run r{world::World(s, s.seed, rec).run()};
  std::filesystem::remove(trace);
  return r;
}

TEST(SharingRun, TimeSlicedNeighboursSlowEachOtherUntilOneLeaves) {
  // One A10G, 2 replicas, 10% context-switch overhead. a (1 h of work) and b
  // (20 min) both want the whole GPU: each gets 0.45 of it. b ends at
  // 1200 / 0.45 = 2666.67 s, when a has done 1200 s; a alone then finishes its
  // 2400 s at full speed: 5066.67 s.
  const auto r = run("g5.xlarge", "{mode: time-slicing, replicas: 2, context_switch_overhead: 0.1}",
                     "a,0,1h,1,,,1.0\nb,0,20m,1,,,1.0\n");
  EXPECT_NEAR(r.end_s("b"), 1200 / 0.45, 1e-3);
  EXPECT_NEAR(r.end_s("a"), 1200 / 0.45 + 2400, 1e-3);
  // Each holds half the GPU while bound: cost and GPU time follow the replica.
  EXPECT_NEAR(r.job("a").gpu_seconds, 0.5 * r.end_s("a"), 1e-3);
}

TEST(SharingRun, LightTenantsDoNotSlowEachOther) {
  // 30% + 30% of the GPU fit in the 90% left after context switches.
  const auto r = run("g5.xlarge", "{mode: time-slicing, replicas: 2, context_switch_overhead: 0.1}",
                     "a,0,1h,1,,,0.3\nb,0,1h,1,,,0.3\n");
  EXPECT_NEAR(r.end_s("a"), 3600, 1e-3);
  EXPECT_NEAR(r.end_s("b"), 3600, 1e-3);
}

TEST(SharingRun, NewcomerThatCrossesGpuMemoryCrashesUntilBackoffLimit) {
  // 24 GiB A10G, no memory isolation: a holds 16,000 MiB; b arrives at 60 s
  // asking 16,000 more and crashes each time it starts. The kubelet restarts it
  // after 10, 20, 40, 80, 160, 300 s: starts at 60, 70, 90, 130, 210, 370, 670 s;
  // the 7th crash passes the Job's backoffLimit (6) and it fails at 670 s.
  const auto r = run("g5.xlarge", "{mode: time-slicing, replicas: 2}",
                     "a,0,1h,1,,16000,0.2\nb,60,30m,1,,16000,0.2\n");
  EXPECT_EQ(r.job("b").status, world::JobStatus::failed);
  EXPECT_EQ(r.job("b").oom_kills, 7);
  EXPECT_NEAR(r.end_s("b"), 670, 1e-6);
  EXPECT_EQ(r.job("a").oom_kills, 0);
  EXPECT_NEAR(r.end_s("a"), 3600, 1e-6);  // the tenant already there is unharmed
  EXPECT_EQ(r.result.oom_kills, 7u);
}

TEST(SharingRun, CrashedPodStartsOnceItsNeighbourHasLeft) {
  // As above but a leaves at 300 s: b's crashes at 60, 70, 90, 130, 210 s; at
  // 370 s the memory is free, and b runs its 30 min to 2170 s.
  const auto r = run("g5.xlarge", "{mode: time-slicing, replicas: 2}",
                     "a,0,5m,1,,16000,0.2\nb,60,30m,1,,16000,0.2\n");
  EXPECT_EQ(r.job("b").status, world::JobStatus::succeeded);
  EXPECT_EQ(r.job("b").oom_kills, 5);
  EXPECT_NEAR(r.end_s("b"), 370 + 1800, 1e-6);
}

TEST(SharingRun, MigSliceRunsAtItsShareOfCompute) {
  // A 1g.5gb instance has 1/7 of an A100's compute: a job that keeps a whole
  // A100 50% busy runs at (1/7) / 0.5 = 2/7 speed, 1 h of work in 12,600 s.
  // A job that needs 0.1 runs at full speed. Each is charged 1/7 of its GPU.
  const auto r = run("p4d.24xlarge",
                     "{mode: mig, strategy: single, layout: [1g.5gb, 1g.5gb, 1g.5gb, 1g.5gb, 1g.5gb, 1g.5gb, 1g.5gb]}",
                     "a,0,1h,1,,4000,0.5\nb,0,1h,1,,4000,0.1\n");
  EXPECT_NEAR(r.end_s("a"), 3600 * 3.5, 1e-3);
  EXPECT_NEAR(r.end_s("b"), 3600, 1e-3);
  EXPECT_NEAR(r.job("b").gpu_seconds, 3600.0 / 7, 1e-6);
}

TEST(SharingRun, MigInstanceMemoryIsAHardLimit) {
  // 6,000 MiB does not fit a 1g.5gb instance (5 GB): it crashes until it fails.
  const auto r = run("p4d.24xlarge", "{mode: mig, strategy: single, layout: [1g.5gb, 1g.5gb, 1g.5gb]}",
                     "a,0,1h,1,,6000,0.1\n");
  EXPECT_EQ(r.job("a").status, world::JobStatus::failed);
  EXPECT_EQ(r.job("a").oom_kills, 7);
}

TEST(SharingRun, MpsCapsEachClientAndItsMemory) {
  // 4 clients per A10G: each at most 25% of the SMs and 24,576 / 4 = 6,144 MiB.
  // a needs 50%: half speed, 2 h for 1 h of work; b (7,000 MiB) never starts.
  const auto r = run("g5.xlarge", "{mode: mps, replicas: 4}", "a,0,1h,1,,4000,0.5\nb,0,1h,1,,7000,0.1\n");
  EXPECT_NEAR(r.end_s("a"), 7200, 1e-3);
  EXPECT_EQ(r.job("b").status, world::JobStatus::failed);
}

TEST(SharingRun, FractionalSharesWaitForRoomOnTheGpu) {
  // 600 + 500 milli-GPU do not fit one GPU: b waits for a. a is charged 0.6 GPU.
  const auto r = run("g5.xlarge", "{mode: fractional}", "a,0,1h,0,600,,0.2\nb,0,1h,0,500,,0.2\n");
  EXPECT_NEAR(r.end_s("a"), 3600, 1e-6);
  EXPECT_NEAR(r.end_s("b"), 7200, 1e-6);
  EXPECT_NEAR(r.job("a").gpu_seconds, 0.6 * 3600, 1e-6);
  EXPECT_NEAR(r.job("a").cost_usd, 0.6 * 1.006, 1e-9);  // g5.xlarge $1.006/h
}

TEST(SharingRun, MoneyAndGpuTimeAddUpOnSharedGpus) {
  for (const std::string sharing : {"{mode: time-slicing, replicas: 3}", "{mode: fractional}", "{mode: mps, replicas: 3}"}) {
    std::ostringstream rows;  // half whole-GPU pods, half fractional (gpus 0, gpu_milli 200-899)
    for (int i = 0; i < 60; ++i) {
      rows << 'j' << i << ',' << i * 97 << ',' << 600 + (i * 389) % 5000 << ',';
      if (i % 2) {
        rows << "1,,";
      } else {
        rows << "0," << 200 + (i * 131) % 700 << ',';
      }
      rows << (i * 53) % 9000 << ',' << 0.05 + (i % 10) / 10.0 << '\n';
    }
    const auto r = run("g5.12xlarge", sharing, rows.str());
    const auto s = analysis::summarize(r.result);
    SCOPED_TRACE(sharing);
    EXPECT_LE(s.gpu_seconds_allocated, s.gpu_seconds_provisioned + 1e-6);
    EXPECT_NEAR(s.cost_allocated + s.cost_idle, s.cost_total, 1e-6);
    double jobs_usd = 0;
    for (const auto& rec : r.result.records) {
      jobs_usd += rec.cost_usd;
      EXPECT_TRUE(rec.status == world::JobStatus::succeeded || rec.status == world::JobStatus::failed);
    }
    EXPECT_NEAR(jobs_usd, s.cost_allocated, 1e-6);
    // Busy GPU time never exceeds the node's GPU time (a lone time-sliced tenant
    // may use more than its replica's share, so not the allocation).
    for (const auto& n : r.result.cluster.nodes()) {
      const auto& b = r.result.bills[n.id];
      EXPECT_LE(b.busy_gpu_seconds, n.allocatable.gpus * b.lifetime_s + 1e-6);
      EXPECT_GT(b.busy_gpu_seconds, 0);
    }
  }
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// Random clusters of shared pools (time-slicing, MPS, fractional, MIG single,
// some on spot with interruptions) under priority preemption, with jobs that
// state GPU memory and utilization: every job ends in one state, the books
// balance, and what each GPU holds at the end is consistent.
class SharedInvariants : public ::testing::TestWithParam<int> {};

TEST_P(SharedInvariants, HoldOnRandomSharedScenario) {
  std::mt19937_64 g(0x5A4Eu + static_cast<std::uint64_t>(GetParam()) * 104729u);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); };
  const std::vector<std::string> sharing = {
      "{mode: time-slicing, replicas: 3, context_switch_overhead: 0.1}", "{mode: mps, replicas: 4}",
      "{mode: fractional}", "{mode: mig, strategy: single, layout: [2g.10gb, 2g.10gb, 2g.10gb]}"};
  // Spot pools lose a node every two hours.
  const std::string reclaims = ::testing::TempDir() + "reclaims_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(reclaims) << "time,nodes\n2h,1\n4h,1\n6h,1\n8h,1\n10h,1\n";
  std::ostringstream y;
  y << "name: shared-" << GetParam() << "\nseed: " << pick(1, 100000) << "\nhorizon: " << pick(4, 12) << "h\n"
    << "priority_classes:\n  - {name: high, value: 1000}\n  - {name: low, value: 0}\n"
    << "cluster:\n  pools:\n";
  const int npools = pick(1, 2);
  for (int p = 0; p < npools; ++p) {
    const int mode = pick(0, 3);
    const std::string type = mode == 3 ? "p4d.24xlarge" : (pick(0, 1) ? "g5.12xlarge" : "g5.xlarge");
    y << "    - {name: p" << p << ", instance_type: " << type << ", count: " << pick(1, 2)
      << ", sharing: " << sharing[static_cast<std::size_t>(mode)];
    if (pick(0, 2) == 0) y << ", capacity_type: spot, spot: {discount: 0.6, interruption_csv: " << reclaims << "}";
    y << "}\n";
  }
  y << "scheduler:\n  queue: {policy: priority, preemption: true}\n  placement: "
    << (pick(0, 1) ? "best-fit" : "spread") << "\nworkload:\n";
  for (int w = 0; w < 2; ++w) {
    y << "  - name: s" << w << "\n    gpu_utilization: {distribution: uniform, min: 0.05, max: 0.9}\n"
      << "    synthetic:\n      count: " << pick(20, 80) << "\n      arrivals: {rate: " << pick(10, 60) << "/h}\n"
      << "      duration: {distribution: exponential, mean: " << pick(5, 60) << "m, min: 1m}\n      shapes:\n";
    for (int k = 0; k < 2; ++k)
      y << "        - {weight: 1, pods: " << (pick(0, 3) == 0 ? 2 : 1) << ", "
        << (pick(0, 2) == 0 ? "gpu_milli: " + std::to_string(pick(100, 900)) : std::string("gpus_per_pod: 1"))
        << ", cpu_milli_per_pod: 500, memory_mib_per_pod: 1024, gpu_memory_mib: " << pick(0, 14000) << "}\n";
    y << "      teams:\n        - {name: t" << w << ", priority_class: " << (w ? "high" : "low") << "}\n";
  }
  SCOPED_TRACE(y.str());
  const auto s = scenario::parse_scenario(y.str(), "shared.yaml", "");
  sim::NullRecorder rec;
  const auto r = world::World(s, s.seed, rec).run();
  const auto sum = analysis::summarize(r);
  std::filesystem::remove(reclaims);

  EXPECT_EQ(sum.jobs_succeeded + sum.jobs_failed + sum.jobs_running + sum.jobs_queued + sum.jobs_not_arrived,
            sum.jobs_total);
  double jobs_usd = 0;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& rc = r.records[i];
    jobs_usd += rc.cost_usd;
    if (rc.status == world::JobStatus::failed) {
      EXPECT_GT(rc.oom_kills, models::kJobBackoffLimit);
    }
    if (rc.status == world::JobStatus::succeeded) {
      EXPECT_GE(rc.end - rc.last_start, 0);
    }
  }
  EXPECT_NEAR(jobs_usd, sum.cost_allocated, 1e-6 * std::max(1.0, sum.cost_total));
  EXPECT_NEAR(sum.cost_allocated + sum.cost_idle, sum.cost_total, 1e-6 * std::max(1.0, sum.cost_total));
  for (const auto& n : r.cluster.nodes()) {
    const auto& b = r.bills[n.id];
    const auto& sh = r.cluster.pools()[n.pool].sharing;
    SCOPED_TRACE(n.name);
    EXPECT_LE(b.allocated_gpu_seconds, n.allocatable.gpus * b.lifetime_s + 1e-6);
    EXPECT_LE(b.busy_gpu_seconds, n.allocatable.gpus * b.lifetime_s + 1e-6);
    EXPECT_LE(b.allocated_usd, b.cost_usd + 1e-9);
    for (const auto& gpu : n.shared) {
      EXPECT_LE(gpu.milli_used, 1000);
      if (sh.mode != models::SharingMode::fractional) {
        EXPECT_LE(gpu.tenants.size(), static_cast<std::size_t>(sh.replicas));
      }
      if (!sh.memory_isolated()) {
        EXPECT_LE(gpu.memory_active_mib, n.type->gpu_memory_gib * 1024);
      }
      for (const auto& t : gpu.tenants)
        EXPECT_TRUE(std::any_of(n.pods.begin(), n.pods.end(), [&](const models::BoundPod& x) { return x.ref == t.ref; }));
    }
    std::size_t mig_used = 0;
    for (const auto& d : n.mig) mig_used += d.used;
    if (sh.mode == models::SharingMode::mig) {
      EXPECT_EQ(mig_used, n.pods.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Random, SharedInvariants, ::testing::Range(0, 12));

}  // namespace
}  // namespace fleetsim
