// Hand-computed timelines: CSV traces with exact arrival times on tiny clusters,
// where every start, end, preemption and dollar can be worked out on paper.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "models/instance_catalog.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using world::JobStatus;

// One file per test and process (ctest may run tests in parallel processes).
std::string write_trace(const std::string& name, const std::string& csv) {
  const std::string path = ::testing::TempDir() + "scheduling_" + std::to_string(::getpid()) + "_" + name + ".csv";
  std::ofstream(path) << csv;
  return path;
}

// Removes the trace once the run has read it.
struct TraceFile {
  std::string path;
  ~TraceFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

struct Outcome {
  std::unique_ptr<scenario::Scenario> scenario;  // nodes point into its catalog
  analysis::MemoryRecorder rec;
  world::RunResult r;
  analysis::Summary sum;

  std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < r.jobs.size(); ++i)
      if (r.jobs[i].name == name) return i;
    ADD_FAILURE() << "no job " << name;
    return 0;
  }
  const world::JobRecord& rec_of(const std::string& name) const { return r.records[index(name)]; }
  const models::Job& job(const std::string& name) const { return r.jobs[index(name)]; }
};

struct Spec {
  explicit Spec(std::string csv = "") : trace(std::move(csv)) {}
  std::string trace;  // CSV text
  std::string pools = "    - {name: gpu, instance_type: p4d.24xlarge, count: 1}\n";
  std::string queue = "fifo";
  std::string extra;  // more top-level YAML (priority_classes, billing, horizon)
};

std::unique_ptr<Outcome> run(const std::string& name, const Spec& setup, const std::vector<std::string>& sets = {}) {
  const TraceFile trace{write_trace(name, setup.trace)};
  const std::string yaml = "name: " + name + "\n" + setup.extra + "cluster:\n  pools:\n" + setup.pools +
                           "scheduler:\n  queue: " + setup.queue + "\n  placement: first-fit\n" +
                           "workload:\n  - name: trace\n    csv: " + trace.path + "\n";
  auto o = std::make_unique<Outcome>();
  o->scenario = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, name + ".yaml", "", sets));
  world::World w(*o->scenario, 1, o->rec);
  o->r = w.run();
  o->sum = analysis::summarize(o->r);
  return o;
}

// Highest value of a recorded series over [from, until).
double series_max(const analysis::MemoryRecorder& rec, const std::string& name, double from_s, double until_s) {
  const auto* s = rec.find(name);
  EXPECT_NE(s, nullptr) << name;
  if (!s) return 0;
  double m = 0;
  for (std::size_t i = 0; i < s->t_s.size(); ++i) {
    const double end = i + 1 < s->t_s.size() ? s->t_s[i + 1] : 1e300;
    if (s->t_s[i] < until_s && end > from_s) m = std::max(m, s->value[i]);
  }
  return m;
}

// --- (a) a small job waits for a full node --------------------------------

const char* kBigThenSmall =
    "job_id,submit,duration,gpus\n"
    "A,0,1h,8\n"
    "B,1m,10m,1\n";

TEST(Scheduling, SmallJobWaitsForFullNode) {
  auto o = run("a1", Spec(kBigThenSmall));
  const auto& a = o->rec_of("A");
  const auto& b = o->rec_of("B");
  EXPECT_EQ(a.first_start, 0);
  EXPECT_EQ(a.end, 1 * kHour);
  EXPECT_EQ(o->job("B").submit, 1 * kMinute);
  EXPECT_EQ(b.first_start, 1 * kHour);  // the only node is full until A ends
  EXPECT_EQ(b.end, 1 * kHour + 10 * kMinute);
  EXPECT_EQ(o->r.end, 1 * kHour + 10 * kMinute);
  EXPECT_EQ(o->sum.jobs_succeeded, 2u);
  EXPECT_DOUBLE_EQ(o->sum.wait_s.max, 59 * 60.0);
  EXPECT_DOUBLE_EQ(o->sum.wait_s.mean, 59 * 60.0 / 2);
}

TEST(Scheduling, SmallJobStartsAtOnceOnSecondNode) {
  Spec s(kBigThenSmall);
  s.pools = "    - {name: gpu, instance_type: p4d.24xlarge, count: 2}\n";
  auto o = run("a2", s);
  const auto& b = o->rec_of("B");
  EXPECT_EQ(b.first_start, 1 * kMinute);
  EXPECT_EQ(b.end, 11 * kMinute);
  ASSERT_EQ(b.nodes.size(), 1u);
  EXPECT_EQ(b.nodes[0], 1u);
  EXPECT_EQ(o->rec_of("A").nodes, std::vector<models::NodeId>{0});
  EXPECT_EQ(o->r.end, 1 * kHour);
  EXPECT_DOUBLE_EQ(o->sum.wait_s.max, 0.0);
}

// --- (b) gangs: all pods or none ------------------------------------------

const char* kGang =
    "job_id,submit,duration,gpus,pods\n"
    "A,0,1h,8,1\n"
    "G,1m,2h,8,2\n";

TEST(Scheduling, GangDoesNotStartOnOneFreeNode) {
  Spec s(kGang);
  s.pools = "    - {name: gpu, instance_type: p4d.24xlarge, count: 2}\n";
  s.extra = "horizon: 30m\n";
  auto o = run("b1", s);
  const auto& g = o->rec_of("G");
  EXPECT_EQ(g.status, JobStatus::queued);
  EXPECT_EQ(g.first_start, -1);
  EXPECT_TRUE(g.nodes.empty());
  EXPECT_EQ(g.gpu_seconds, 0);
  EXPECT_EQ(g.cost_usd, 0);
  // Node 1 is free and holds nothing: no pod of the gang was left bound.
  EXPECT_TRUE(o->r.cluster.node(1).pods.empty());
  EXPECT_EQ(o->r.cluster.node(1).requested, models::Resources{});
  EXPECT_EQ(o->r.cluster.gpus_allocated(), 8);
  EXPECT_EQ(o->sum.jobs_queued, 1u);
  EXPECT_EQ(o->sum.jobs_running, 1u);
  EXPECT_EQ(series_max(o->rec, "gpus_allocated", 0, 1800), 8.0);
}

TEST(Scheduling, GangStartsWhenSecondNodeFrees) {
  Spec s(kGang);
  s.pools = "    - {name: gpu, instance_type: p4d.24xlarge, count: 2}\n";
  auto o = run("b2", s);
  const auto& g = o->rec_of("G");
  EXPECT_EQ(g.first_start, 1 * kHour);
  EXPECT_EQ(g.end, 3 * kHour);
  std::vector<models::NodeId> nodes = g.nodes;
  std::sort(nodes.begin(), nodes.end());
  EXPECT_EQ(nodes, (std::vector<models::NodeId>{0, 1}));
  EXPECT_DOUBLE_EQ(g.gpu_seconds, 16 * 7200.0);
  // Before A ends only A's 8 GPUs are ever allocated.
  EXPECT_EQ(series_max(o->rec, "gpus_allocated", 0, 3600), 8.0);
  EXPECT_EQ(series_max(o->rec, "gpus_allocated", 3600, 3 * 3600), 16.0);
}

// --- (c) head-of-line blocking --------------------------------------------

const char* kBlocking =
    "job_id,submit,duration,gpus\n"
    "A,0,1h,4\n"
    "Big,1m,1h,8\n"
    "S,2m,10m,1\n";

TEST(Scheduling, FifoSkipsAJobThatDoesNotFit) {
  auto o = run("c1", Spec(kBlocking));
  EXPECT_EQ(o->rec_of("S").first_start, 2 * kMinute);  // fits beside A
  EXPECT_EQ(o->rec_of("S").end, 12 * kMinute);
  EXPECT_EQ(o->rec_of("Big").first_start, 1 * kHour);
  EXPECT_EQ(o->rec_of("Big").end, 2 * kHour);
}

TEST(Scheduling, FifoBlockingHoldsSmallJobBehindHead) {
  Spec s(kBlocking);
  s.queue = "{policy: fifo, blocking: true}";
  auto o = run("c2", s);
  EXPECT_EQ(o->rec_of("Big").first_start, 1 * kHour);
  EXPECT_EQ(o->rec_of("Big").end, 2 * kHour);
  EXPECT_EQ(o->rec_of("S").first_start, 2 * kHour);  // would fit at 2m, but Big is first
  EXPECT_EQ(o->rec_of("S").end, 2 * kHour + 10 * kMinute);
}

// --- (d) priority preemption ----------------------------------------------

const char* kClasses =
    "priority_classes:\n"
    "  - {name: high, value: 1000}\n"
    "  - {name: polite, value: 1000, preemption_policy: Never}\n"
    "  - {name: low, value: 0}\n";

Spec preemption_setup(const std::string& high_class, bool preemption) {
  Spec s;
  s.trace =
      "job_id,submit,duration,gpus,priority_class\n"
      "L,0,2h,8,low\n"
      "H,10m,1h,8," +
      high_class + "\n";
  s.extra = kClasses;
  s.queue = std::string("{policy: priority, preemption: ") + (preemption ? "true" : "false") + "}";
  return s;
}

TEST(Scheduling, HighPriorityPreemptsAfterGracePeriod) {
  auto o = run("d1", preemption_setup("high", true));
  const auto& l = o->rec_of("L");
  const auto& h = o->rec_of("H");
  const sim::SimTime grace = 30 * kSecond;  // terminationGracePeriodSeconds default
  EXPECT_EQ(o->scenario->scheduler.preemption_grace, grace);
  EXPECT_EQ(h.first_start, 10 * kMinute + grace);
  EXPECT_EQ(h.end, 70 * kMinute + grace);
  EXPECT_EQ(h.preemptions, 0);
  EXPECT_EQ(l.preemptions, 1);
  EXPECT_EQ(l.first_start, 0);
  EXPECT_EQ(l.last_start, h.end);  // restarts when H leaves
  EXPECT_EQ(l.end, h.end + 2 * kHour);  // from scratch: the full 2 h again
  EXPECT_EQ(l.status, JobStatus::succeeded);
  EXPECT_EQ(o->sum.preemptions, 1u);
  // L holds its GPUs through the grace period, then runs 2 h again.
  EXPECT_DOUBLE_EQ(l.gpu_seconds, 8 * (630.0 + 7200.0));
  EXPECT_DOUBLE_EQ(h.gpu_seconds, 8 * 3600.0);
  EXPECT_EQ(o->r.end, 70 * kMinute + grace + 2 * kHour);
}

TEST(Scheduling, VictimIsTerminatingDuringGrace) {
  Spec s = preemption_setup("high", true);
  s.extra += "horizon: 10m15s\n";
  auto o = run("d2", s);
  EXPECT_EQ(o->rec_of("L").status, JobStatus::terminating);
  EXPECT_EQ(o->rec_of("H").status, JobStatus::queued);
  EXPECT_EQ(o->r.cluster.gpus_allocated(), 8);
  EXPECT_EQ(o->sum.jobs_running, 1u);
  EXPECT_EQ(o->sum.jobs_queued, 1u);
}

TEST(Scheduling, PreemptionGraceIsConfigurable) {
  auto o = run("d3", preemption_setup("high", true), {"scheduler.preemption_grace=90s"});
  EXPECT_EQ(o->rec_of("H").first_start, 11 * kMinute + 30 * kSecond);
  EXPECT_EQ(o->rec_of("L").preemptions, 1);
}

TEST(Scheduling, WithoutPreemptionHighPriorityWaits) {
  auto o = run("d4", preemption_setup("high", false));
  EXPECT_EQ(o->rec_of("L").preemptions, 0);
  EXPECT_EQ(o->rec_of("L").end, 2 * kHour);
  EXPECT_EQ(o->rec_of("H").first_start, 2 * kHour);
  EXPECT_EQ(o->rec_of("H").end, 3 * kHour);
  EXPECT_EQ(o->sum.preemptions, 0u);
}

TEST(Scheduling, PreemptionPolicyNeverWaits) {
  auto o = run("d5", preemption_setup("polite", true));
  EXPECT_EQ(o->rec_of("L").preemptions, 0);
  EXPECT_EQ(o->rec_of("H").first_start, 2 * kHour);
}

TEST(Scheduling, HigherPriorityGoesFirstWhenCapacityFrees) {
  // L2 (low) is older than H2 (high) but H2 goes first when L finishes.
  Spec s = preemption_setup("polite", true);
  s.trace =
      "job_id,submit,duration,gpus,priority_class\n"
      "L,0,1h,8,low\n"
      "L2,5m,1h,8,low\n"
      "H2,10m,1h,8,polite\n";
  auto o = run("d6", s);
  EXPECT_EQ(o->rec_of("H2").first_start, 1 * kHour);
  EXPECT_EQ(o->rec_of("L2").first_start, 2 * kHour);
}

// --- (e) cost ----------------------------------------------------------------

TEST(Scheduling, JobCostIsPriceTimesGpuShareTimesRuntime) {
  const auto catalog = models::InstanceCatalog::load_csv(scenario::builtin_catalog_path());
  const auto* type = catalog.find("g5.12xlarge");
  ASSERT_NE(type, nullptr);
  ASSERT_EQ(type->gpus, 4);
  const double price = type->ondemand_usd_per_hour;

  Spec s;
  s.trace =
      "job_id,submit,duration,gpus,team\n"
      "J1,0,1h,1,alpha\n"
      "J2,15m,30m,2,beta\n";
  s.pools = "    - {name: g5, instance_type: g5.12xlarge, count: 1}\n";
  auto o = run("e1", s);
  // J1: 1 of 4 GPUs for 1 h; J2: 2 of 4 GPUs for 0.5 h.
  const double j1 = price * (1.0 / 4) * 1.0;
  const double j2 = price * (2.0 / 4) * 0.5;
  EXPECT_NEAR(o->rec_of("J1").cost_usd, j1, 1e-12);
  EXPECT_NEAR(o->rec_of("J2").cost_usd, j2, 1e-12);
  // The run ends when J1 does, at 1 h: the node is billed for 1 h.
  EXPECT_EQ(o->r.end, 1 * kHour);
  const auto& bill = o->r.bills.at(0);
  EXPECT_DOUBLE_EQ(bill.lifetime_s, 3600.0);
  EXPECT_NEAR(bill.cost_usd, price, 1e-12);
  EXPECT_NEAR(bill.allocated_usd, j1 + j2, 1e-12);
  EXPECT_NEAR(bill.idle_usd, price - j1 - j2, 1e-12);
  EXPECT_NEAR(o->sum.cost_total, price, 1e-12);
  EXPECT_NEAR(o->sum.cost_idle, price / 2, 1e-12);
  EXPECT_NEAR(o->sum.cost_by_team.at("alpha"), j1, 1e-12);
  EXPECT_NEAR(o->sum.cost_by_team.at("beta"), j2, 1e-12);
  EXPECT_NEAR(o->sum.cost_by_pool.at("g5"), price, 1e-12);
  EXPECT_DOUBLE_EQ(o->sum.gpu_seconds_allocated, 3600.0 + 2 * 1800.0);
  EXPECT_DOUBLE_EQ(o->sum.gpu_allocation, (3600.0 + 3600.0) / (4 * 3600.0));
}

const char* kThirtySeconds = "job_id,submit,duration,gpus\nquick,0,30s,1\n";

Spec billing_setup(const std::string& trace) {
  Spec s(trace);
  s.pools = "    - {name: g5, instance_type: g5.xlarge, count: 1, usd_per_hour: 3.60}\n";
  return s;
}

TEST(Scheduling, BillingMinimumIsSixtySeconds) {
  // SEMANTICS G8.1: $3.60/h for 30 s is billed 60 s -> $0.06.
  auto o = run("e2", billing_setup(kThirtySeconds));
  EXPECT_EQ(o->r.end, 30 * kSecond);
  const auto& bill = o->r.bills.at(0);
  EXPECT_DOUBLE_EQ(bill.lifetime_s, 30.0);
  EXPECT_DOUBLE_EQ(bill.billed_s, 60.0);
  EXPECT_NEAR(bill.cost_usd, 0.06, 1e-12);
  EXPECT_NEAR(o->rec_of("quick").cost_usd, 0.03, 1e-12);
  EXPECT_NEAR(bill.idle_usd, 0.03, 1e-12);
  EXPECT_NEAR(o->sum.cost_total, 0.06, 1e-12);
}

TEST(Scheduling, BillingPerSecondAboveTheMinimum) {
  // SEMANTICS G8.1: 3,601 s -> $3.601.
  auto o = run("e3", billing_setup("job_id,submit,duration,gpus\nlong,0,3601,1\n"));
  EXPECT_DOUBLE_EQ(o->r.bills.at(0).billed_s, 3601.0);
  EXPECT_NEAR(o->sum.cost_total, 3.601, 1e-12);
  EXPECT_NEAR(o->sum.cost_idle, 0.0, 1e-12);
}

TEST(Scheduling, BillingMinimumIsConfigurable) {
  Spec s = billing_setup(kThirtySeconds);
  s.extra = "billing: {minimum: 0s}\n";
  auto o = run("e4", s);
  EXPECT_NEAR(o->sum.cost_total, 0.03, 1e-12);
  EXPECT_NEAR(o->sum.cost_idle, 0.0, 1e-12);
}

TEST(Scheduling, HorizonCutsBillAndJobCost) {
  // A job still running at the horizon is charged up to the horizon.
  Spec s = billing_setup("job_id,submit,duration,gpus\nlong,0,5h,1\n");
  s.extra = "horizon: 2h\n";
  auto o = run("e5", s);
  EXPECT_TRUE(o->r.horizon_reached);
  EXPECT_EQ(o->r.end, 2 * kHour);
  EXPECT_EQ(o->rec_of("long").status, JobStatus::running);
  EXPECT_NEAR(o->rec_of("long").cost_usd, 7.2, 1e-9);
  EXPECT_NEAR(o->sum.cost_total, 7.2, 1e-9);
  EXPECT_NEAR(o->sum.cost_idle, 0.0, 1e-9);
}

TEST(Scheduling, FixedPoolIsBilledForTheWholeHorizon) {
  // Work ends after 30 min but the pool exists for the 2 h horizon: 2 h billed
  // at $3.60/h = $7.20, of which the job used $1.80 and $5.40 is idle.
  Spec s = billing_setup("job_id,submit,duration,gpus\nshort,0,30m,1\n");
  s.extra = "horizon: 2h\n";
  auto o = run("e6", s);
  EXPECT_FALSE(o->r.horizon_reached);
  EXPECT_EQ(o->r.end, 2 * kHour);
  EXPECT_EQ(o->rec_of("short").status, JobStatus::succeeded);
  EXPECT_NEAR(o->rec_of("short").cost_usd, 1.8, 1e-9);
  EXPECT_NEAR(o->sum.cost_total, 7.2, 1e-9);
  EXPECT_NEAR(o->sum.cost_idle, 5.4, 1e-9);
  EXPECT_DOUBLE_EQ(o->sum.gpu_allocation, 0.25);
}

}  // namespace
}  // namespace fleetsim
