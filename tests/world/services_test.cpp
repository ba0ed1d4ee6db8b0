// Online services in a run: replicas as pods with cold starts, the request
// accounting, latency against queueing theory, the autoscalers in the loop,
// scale-to-zero, and conservation of requests. Timelines by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "analysis/memory_recorder.hpp"
#include "models/serving/queueing.hpp"
#include "scenario/scenario.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

struct Run {
  world::RunResult result;
  analysis::MemoryRecorder rec;
  const world::ServiceResult& svc(std::size_t i = 0) const { return result.services.at(i); }
};

// A static pool of `nodes` g5.xlarge (one A10G each) and the given services.
Run run(const std::string& services, const std::string& horizon = "1h", int nodes = 4,
        const std::string& extra = "") {
  const std::string yaml = "name: services\nseed: 1\nhorizon: " + horizon +
                           "\ncluster:\n  pools:\n    - {name: p, instance_type: g5.xlarge, count: " +
                           std::to_string(nodes) + "}\n" + extra + "services:\n" + services;
  const auto s = scenario::parse_scenario(yaml, "services.yaml", "");
  Run r;
  r.result = world::World(s, s.seed, r.rec).run();
  return r;
}

void expect_conserved(const world::ServiceResult& s) {
  EXPECT_NEAR(s.arrived, s.served + s.dropped + s.timed_out + s.queued_end, 1e-6 * std::max(1.0, s.arrived));
}

TEST(ServiceRun, FixedReplicasMatchMD1) {
  // 2 replicas, 20 requests/s: each replica is an M/D/1 queue at 10/s with a
  // 50 ms service (rho 0.5): mean response D + rho D / (2 (1 - rho)) = 75 ms.
  const auto r = run(
      "  - name: api\n    replica: {model: {kind: md1, service_time: 50ms}}\n"
      "    traffic: {rate: 20/s}\n    replicas: 2\n    slo: 100ms\n");
  const auto& s = r.svc();
  EXPECT_NEAR(s.arrived, 20 * 3600, 1e-6);
  EXPECT_NEAR(s.served, 20 * 3600, 1e-6);
  EXPECT_EQ(s.served_after_queueing, 0);
  const models::serving::MD1 q(10, 0.05);
  EXPECT_NEAR(s.latency_mean_s, 0.075, 1e-12);
  EXPECT_NEAR(s.latency_p50_s, q.response_quantile(0.5), 1e-9);
  EXPECT_NEAR(s.latency_p99_s, q.response_quantile(0.99), 1e-9);
  EXPECT_NEAR(s.slo_attainment, q.slo_attainment(0.1), 1e-9);
  EXPECT_EQ(s.cold_starts, 0);  // serving when the scenario starts
  EXPECT_EQ(s.max_ready, 2);
  EXPECT_NEAR(s.ready_replica_s, 2 * 3600, 1e-6);
  // Two of the four GPUs for the hour, at $/h of the node each; half busy.
  EXPECT_NEAR(s.gpu_seconds, 2 * 3600, 1e-6);
  EXPECT_NEAR(s.busy_gpu_seconds, 0.5 * 2 * 3600, 1e-6);
  EXPECT_NEAR(s.cost_usd, 2 * r.result.cluster.nodes()[0].usd_per_hour, 1e-9);
}

TEST(ServiceRun, OneReplicaMatchesMM1) {
  // M/M/1 at lambda 8, mu 10: the response time is exponential with rate 2:
  // mean 0.5 s, p99 ln(100) / 2.
  const auto r = run("  - name: api\n    replica: {model: {kind: mm1, service_time: 100ms}}\n"
                     "    traffic: {rate: 8/s}\n    slo: 1s\n");
  const auto& s = r.svc();
  EXPECT_NEAR(s.latency_mean_s, 0.5, 1e-12);
  EXPECT_NEAR(s.latency_p99_s, std::log(100.0) / 2, 1e-9);
  EXPECT_NEAR(s.slo_attainment, 1 - std::exp(-2.0), 1e-9);
}

TEST(ServiceRun, ColdStartTimelineByHand) {
  // The only GPU runs a higher-priority job for 100 s, so the service's one
  // replica waits, is placed at 100 s and pulls (30 s) and loads (90 s): ready
  // at 220 s. Requests arrive at 10/s and a replica serves 20/s (50 ms fixed):
  // the 2,200 requests of the first 220 s wait, then the queue drains at
  // 20 - 10 = 10/s and is empty at 440 s. A request arriving at a < 440 s
  // leaves at 220 + a/2: waits spread evenly from 220 s down to 0 over the
  // 4,400 requests served from the queue.
  const std::string trace = ::testing::TempDir() + "services_cold_start.csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus,priority_class\ntrain,0,100s,1,high\n";
  const auto r = run("  - name: api\n    priority_class: low\n"
                     "    replica: {image_pull: 30s, model_load: 90s, model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {rate: 10/s}\n    queue: {timeout: 5m}\n    slo: 1s\n",
                     "1h", 1,
                     "priority_classes:\n  - {name: high, value: 1000}\n  - {name: low, value: 10}\n"
                     "scheduler: {queue: priority}\nworkload:\n  - {name: t, csv: " + trace + "}\n");
  std::filesystem::remove(trace);
  const auto& s = r.svc();
  EXPECT_EQ(s.cold_starts, 1);
  EXPECT_NEAR(s.pending_s, 100, 1e-9);
  EXPECT_NEAR(s.cold_start_s, 120, 1e-9);
  EXPECT_NEAR(s.no_ready_s, 220, 1e-9);
  EXPECT_NEAR(s.served, 36000, 1e-6);
  EXPECT_NEAR(s.served_after_queueing, 4400, 1e-6);
  EXPECT_EQ(s.timed_out, 0);
  const double direct = 0.05 + 0.5 * 0.05 / (2 * 0.5);  // M/D/1 at rho 0.5
  EXPECT_NEAR(s.latency_mean_s, (4400 * (110 + 0.05) + 31600 * direct) / 36000, 1e-9);
  // Within 1 s: everything served straight away, and the queued requests
  // whose wait was under 0.95 s (those arriving in the last 1.9 s of the drain).
  const models::serving::MD1 q(10, 0.05);
  EXPECT_NEAR(s.slo_attainment, (31600 * q.slo_attainment(1.0) + 4400 * 0.95 / 220) / 36000, 2e-4);
  expect_conserved(s);
}

TEST(ServiceRun, ReplicasServingAtTheStartAreWarm) {
  // A Deployment that exists when the scenario starts: its replicas placed at
  // t = 0 serve at once; no cold start, no request waits.
  const auto r = run("  - name: api\n    replica: {image_pull: 30s, model_load: 90s, model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {rate: 10/s}\n    replicas: 2\n");
  EXPECT_EQ(r.svc().cold_starts, 0);
  EXPECT_EQ(r.svc().no_ready_s, 0);
  EXPECT_EQ(r.svc().served_after_queueing, 0);
}

TEST(ServiceRun, TimeoutsWhileNoReplicaIsReady) {
  // The same cold start with a 60 s timeout: requests that arrived more than
  // 60 s before the replica was ready time out at age 60 s; the queue holds
  // the last 60 s of arrivals (600) when it becomes ready at 120 s.
  const auto r = run("  - name: api\n    replica: {image_pull: 30s, model_load: 90s, model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {rate: 10/s}\n    queue: {timeout: 60s}\n    replicas: 0\n"
                     "    autoscaler: {policy: scale-to-zero, polling_interval: 15s}\n");
  const auto& s = r.svc();
  EXPECT_NEAR(s.timed_out, 600, 1e-6);
  expect_conserved(s);
}

TEST(ServiceRun, QueueCapDropsArrivals) {
  const auto r = run("  - name: api\n    replica: {image_pull: 100s, model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {rate: 10/s}\n    queue: {cap: 300, timeout: 1h}\n    replicas: 0\n"
                     "    autoscaler: {policy: scale-to-zero, polling_interval: 15s}\n");
  const auto& s = r.svc();
  EXPECT_NEAR(s.dropped, 1000 - 300, 1e-6);
  expect_conserved(s);
}

TEST(ServiceRun, HpaScalesToTheRateOverTarget) {
  // 100 requests/s against 10 per replica: the HPA ends at ceil(100 / 10) = 10
  // replicas, scaling up by at most max(+100%, +4 pods) per 15 s.
  const auto r = run("  - name: api\n    replica: {model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {rate: 100/s}\n    replicas: 1\n"
                     "    autoscaler: {policy: hpa, min_replicas: 1, max_replicas: 20}\n"
                     "    metrics: [{name: requests_per_s, target: 10}]\n",
                     "1h", 12);
  const auto* desired = r.rec.find("replicas_desired.api");
  ASSERT_NE(desired, nullptr);
  EXPECT_EQ(desired->value.back(), 10);
  for (std::size_t k = 1; k < desired->value.size(); ++k)
    EXPECT_LE(desired->value[k], std::max(2 * desired->value[k - 1], desired->value[k - 1] + 4));
  EXPECT_EQ(r.svc().max_ready, 10);
  expect_conserved(r.svc());
}

TEST(ServiceRun, ScaleToZeroCooldownAndActivationByHand) {
  // KEDA-style: the trigger is polled every 30 s (at 0, 30, ...), the HPA ticks
  // every 15 s. Traffic (10/s) stops at 1 h: the last active poll is at 3600 s
  // (it sees the window 3585-3600 s), the cooldown of 300 s has passed at the
  // first poll after 3900 s, so the replica goes at 3930 s. Traffic returns at
  // 3 h; the poll at 10830 s sees it and creates a replica, which pulls and
  // loads for 120 s: ready at 10950 s. No replica was ready for 10950 - 3930 s.
  // The 1,500 requests of 10800-10950 s wait, then drain at 20 - 10 = 10/s
  // until 11100 s: 3,000 served from the queue.
  const std::string trace = ::testing::TempDir() + "services_scale_to_zero.csv";
  std::ofstream(trace) << "time,rate\n0,10\n1h,0\n3h,10\n";
  const auto r = run("  - name: api\n    replica: {image_pull: 30s, model_load: 90s, model: {kind: md1, service_time: 50ms}}\n"
                     "    traffic: {trace: " + trace + "}\n    queue: {timeout: 5m}\n    replicas: 1\n"
                     "    autoscaler: {policy: scale-to-zero, polling_interval: 30s, cooldown_period: 5m, target: 10}\n",
                     "4h");
  std::filesystem::remove(trace);
  const auto& s = r.svc();
  EXPECT_EQ(s.replicas_created, 2);
  EXPECT_EQ(s.cold_starts, 1);
  EXPECT_NEAR(s.no_ready_s, 10950 - 3930, 1e-9);
  EXPECT_NEAR(s.served_after_queueing, 3000, 1e-6);
  EXPECT_EQ(s.timed_out, 0);
  EXPECT_NEAR(s.served, 10 * 3600 + 10 * 3600, 1e-6);
  const auto* ready = r.rec.find("replicas_ready.api");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->t_s, (std::vector<double>{0, 3930, 10950}));
  EXPECT_EQ(ready->value, (std::vector<double>{1, 0, 1}));
}

TEST(ServiceRun, RuleAutoscalerMustObserveItsMetric) {
  try {
    run("  - name: api\n    replica: {model: {kind: md1, service_time: 50ms}}\n    traffic: {rate: 10/s}\n"
        "    autoscaler: {policy: threshold, metric: queue_depth}\n"
        "    metrics: [{name: requests_per_s, target: 10}]\n");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "services.yaml:11: services[0].autoscaler.metric: expected one of the metrics listed in "
                 "services[0].metrics (requests_per_s), got 'queue_depth'");
  }
  try {
    run("  - name: api\n    replica: {model: {kind: md1, service_time: 50ms}}\n    traffic: {rate: 10/s}\n"
        "    autoscaler: {policy: threshold}\n"
        "    metrics: [{name: requests_per_s, target: 10}]\n");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "services.yaml:11: services[0].autoscaler: the threshold autoscaler reads gpu_utilization by default, "
                 "which services[0].metrics does not list (requests_per_s); list it or set metric:");
  }
  try {
    run("  - name: api\n    replica: {model: {kind: mm1}}\n    traffic: {rate: 10/s}\n");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "services.yaml:9: services[0].replica.model.service_time: missing required key");
  }
}

TEST(ServiceRun, RandomClustersConserveRequestsReplicasAndMoney) {
  // Services under each autoscaler share on-demand and spot nodes (reclaimed
  // often) with preemptible training: every replica ends in one state, no
  // request is lost, allocated GPU time fits in provisioned, and the money adds up.
  const char* scalers[] = {
      "{policy: hpa, min_replicas: 1, max_replicas: 12}\n    metrics: [{name: requests_per_s, target: 15}]",
      "{policy: threshold, up_above: 60, down_below: 20, up_for: 1m, down_for: 5m, max_replicas: 12}\n"
      "    metrics: [{name: gpu_utilization, target: 60}]",
      "{policy: scale-to-zero, cooldown_period: 5m, target: 15, max_replicas: 12}",
      "{policy: kpa, target: 3, max_scale: 12}"};
  for (int seed = 1; seed <= 9; ++seed) {
    std::mt19937 g(static_cast<unsigned>(seed));
    const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); };
    std::string services;
    for (int k = 0; k < 2; ++k)
      services += "  - name: s" + std::to_string(k) + "\n    priority_class: " + (k == 0 ? "production" : "research") +
                  "\n    replica: {image_pull: " + std::to_string(pick(0, 60)) + "s, model_load: " +
                  std::to_string(pick(0, 120)) + "s, model: {kind: " + (pick(0, 1) ? "md1" : "mm1") +
                  ", service_time: " + std::to_string(pick(20, 80)) + "ms}}\n" +
                  "    traffic: {rate: " + std::to_string(pick(5, 150)) +
                  "/s, daily: [0,0,0,0,0,1,1,2,3,3,3,3,3,3,3,3,3,2,2,1,1,0,0,0]}\n" +
                  "    queue: {cap: " + std::to_string(pick(100, 5000)) + ", timeout: " + std::to_string(pick(5, 120)) +
                  "s}\n    replicas: " + std::to_string(pick(0, 3)) + "\n    autoscaler: " + scalers[(seed + k) % 4] +
                  "\n";
    const std::string yaml =
        "name: random-services\nseed: " + std::to_string(seed) + "\nhorizon: 2d\n"
        "priority_classes:\n  - {name: production, value: 1000}\n  - {name: research, value: 10, global_default: true}\n"
        "scheduler: {queue: priority, placement: best-fit}\n"
        "cluster:\n  pools:\n    - {name: od, instance_type: g5.12xlarge, count: " + std::to_string(pick(1, 3)) + "}\n"
        "    - {name: spot, instance_type: g5.12xlarge, count: " + std::to_string(pick(1, 3)) +
        ", capacity_type: spot, spot: {discount: 0.6, interruption: 0.99, notice: 2m}}\n"
        "workload:\n  - name: train\n    synthetic:\n      until: 40h\n      arrivals: {rate: 2/h}\n"
        "      duration: {distribution: exponential, mean: 3h}\n"
        "      shapes: [{pods: 1, gpus_per_pod: 2}, {pods: 2, gpus_per_pod: 4}]\n"
        "services:\n" + services;
    SCOPED_TRACE(yaml);
    const auto s = scenario::parse_scenario(yaml, "random.yaml", "");
    sim::NullRecorder rec;
    const auto r = world::World(s, s.seed, rec).run();
    ASSERT_EQ(r.services.size(), 2u);
    double job_cost = 0, idle = 0, bill = 0, allocated_gpu_s = 0, provisioned_gpu_s = 0;
    std::vector<int> replicas(2, 0);
    for (std::size_t i = 0; i < r.jobs.size(); ++i) {
      const auto& j = r.jobs[i];
      const auto st = r.records[i].status;
      job_cost += r.records[i].cost_usd;
      if (j.service < 0) continue;
      ++replicas[static_cast<std::size_t>(j.service)];
      EXPECT_TRUE(st == world::JobStatus::queued || st == world::JobStatus::running ||
                  st == world::JobStatus::terminating || st == world::JobStatus::stopped)
          << world::to_string(st);
      if (st == world::JobStatus::stopped) {
        EXPECT_LE(r.records[i].end, r.end);
      }
    }
    for (const auto& n : r.cluster.nodes()) {
      const auto& b = r.bills[n.id];
      idle += b.idle_usd;
      bill += b.cost_usd;
      allocated_gpu_s += b.allocated_gpu_seconds;
      provisioned_gpu_s += n.allocatable.gpus * b.lifetime_s;
    }
    EXPECT_NEAR(job_cost + idle, bill, 1e-9 * std::max(1.0, bill));
    EXPECT_LE(allocated_gpu_s, provisioned_gpu_s * (1 + 1e-12));
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& sv = r.services[k];
      expect_conserved(sv);
      EXPECT_EQ(sv.replicas_created, replicas[k]);
      EXPECT_GT(sv.arrived, 0);
      EXPECT_LE(sv.ready_replica_s, sv.gpu_seconds + 1e-6);  // a ready replica holds its GPU
      EXPECT_LE(sv.busy_gpu_seconds, sv.gpu_seconds + 1e-6);
      EXPECT_GE(sv.slo_attainment, 0);
      EXPECT_LE(sv.slo_attainment, 1);
    }
  }
}

}  // namespace
}  // namespace fleetsim
