// Cost allocation (analysis/allocation.hpp): OpenCost's resource weights, charges
// by request x time, idle separate or shared, overhead even or proportional,
// aggregation by team, namespace and label, and conservation of the bill.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/allocation.hpp"
#include "cost_fixture.hpp"
#include "util/input_error.hpp"

namespace fleetsim {
namespace {

using analysis::AllocationRow;
using testing_cost::bill;
using testing_cost::run_yaml;

// One g5.12xlarge (4 GPUs, 48 vCPU, 192 GiB) priced at exactly OpenCost's
// default prices for those resources: 4 x 0.95 + 48 x 0.031611 + 192 x 0.004237
// = 3.8 + 1.517328 + 0.813504 = 6.130832 USD/h, so each resource costs its
// default price per unit-hour. Two hours.
const std::string kYaml = R"(name: alloc
horizon: 2h
cluster:
  pools:
    - {name: g, instance_type: g5.12xlarge, count: 1, usd_per_hour: 6.130832}
workload:
  - {name: t, csv: TRACE}
)";
// a: 2 GPUs, 8 cores, 32 GiB for 1 h; b: 1 GPU, 4 cores, 16 GiB for 30 min, no team.
const std::string kTrace =
    "job_id,submit,duration,gpus,cpu_milli,memory_mib,namespace,team,labels\n"
    "a,0,1h,2,8000,32768,research,ml,cost_center=cc1\n"
    "b,0,30m,1,4000,16384,research,,\n";

// By hand: a = 2 x 0.95 + 8 x 0.031611 + 32 x 0.004237 = 1.9 + 0.252888 + 0.135584
//          b = 0.5 x (0.95 + 4 x 0.031611 + 16 x 0.004237) = 0.475 + 0.063222 + 0.033896
constexpr double kBill = 12.261664, kA = 2.288472, kB = 0.572118, kIdle = kBill - kA - kB;

std::map<std::string, AllocationRow> by_name(const std::vector<AllocationRow>& rows) {
  std::map<std::string, AllocationRow> m;
  for (const auto& r : rows) m[r.name] = r;
  return m;
}

double total(const std::vector<AllocationRow>& rows) {
  double t = 0;
  for (const auto& r : rows) t += r.total_usd();
  return t;
}

TEST(Allocation, PriceWeightsFollowOpenCostDefaults) {
  models::InstanceType t;
  t.gpus = 4;
  t.vcpu = 48;
  t.memory_gib = 192;
  const auto w = analysis::price_weights(t);
  EXPECT_NEAR(w.gpu, 3.8 / 6.130832, 1e-12);
  EXPECT_NEAR(w.cpu, 1.517328 / 6.130832, 1e-12);
  EXPECT_NEAR(w.memory, 0.813504 / 6.130832, 1e-12);
  models::InstanceType cpu_only;
  cpu_only.vcpu = 4;
  cpu_only.memory_gib = 16;
  EXPECT_EQ(analysis::price_weights(cpu_only).gpu, 0);
  EXPECT_NEAR(analysis::price_weights(cpu_only).cpu, 0.126444 / (0.126444 + 0.067792), 1e-12);
}

TEST(Allocation, ChargesRequestTimesTimeAtTheNodesResourcePrices) {
  auto ran = run_yaml(kYaml, kTrace);
  ASSERT_NEAR(bill(ran.r), kBill, 1e-9);
  const auto a = analysis::allocate(ran.r, {});
  ASSERT_EQ(a.jobs.size(), 2u);
  EXPECT_NEAR(a.jobs[0].held_s, 3600, 1e-6);
  EXPECT_NEAR(a.jobs[0].usd.gpu, 1.9, 1e-9);
  EXPECT_NEAR(a.jobs[0].usd.cpu, 0.252888, 1e-9);
  EXPECT_NEAR(a.jobs[0].usd.memory, 0.135584, 1e-9);
  EXPECT_NEAR(a.jobs[1].usd.total(), kB, 1e-9);
  EXPECT_NEAR(a.idle.total(), kIdle, 1e-9);
  // The GPU part of the bill is 3.8 x 2 h; 2.5 of its 8 GPU-hours were requested.
  EXPECT_NEAR(a.idle.gpu, 7.6 - 2.375, 1e-9);
  EXPECT_NEAR(a.workload_usd() + a.idle.total(), a.bill_usd, 1e-9);
}

TEST(Allocation, IdleSeparateIsItsOwnRowAndUnlabelledSpendIsVisible) {
  auto ran = run_yaml(kYaml, kTrace);
  const auto a = analysis::allocate(ran.r, {});
  const auto rows = analysis::aggregate(ran.r, a, "team", scenario::IdleMode::separate, scenario::OverheadSplit::even);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "ml");
  EXPECT_EQ(rows[1].name, analysis::kUnallocatedRow);
  EXPECT_EQ(rows[2].name, analysis::kIdleRow);
  EXPECT_NEAR(rows[0].total_usd(), kA, 1e-9);
  EXPECT_NEAR(rows[1].total_usd(), kB, 1e-9);
  EXPECT_NEAR(rows[2].total_usd(), kIdle, 1e-9);
  const auto labels =
      by_name(analysis::aggregate(ran.r, a, "label:cost_center", scenario::IdleMode::separate, scenario::OverheadSplit::even));
  EXPECT_NEAR(labels.at("cc1").total_usd(), kA, 1e-9);
  EXPECT_NEAR(labels.at(analysis::kUnallocatedRow).total_usd(), kB, 1e-9);
  const auto ns = analysis::aggregate(ran.r, a, "namespace", scenario::IdleMode::separate, scenario::OverheadSplit::even);
  EXPECT_EQ(ns[0].name, "research");
  EXPECT_EQ(ns[0].jobs, 2);
  EXPECT_NEAR(ns[0].total_usd(), kA + kB, 1e-9);
}

TEST(Allocation, IdleSharedInProportionToWorkloadCost) {
  auto ran = run_yaml(kYaml, kTrace);
  const auto a = analysis::allocate(ran.r, {});
  const auto rows = by_name(analysis::aggregate(ran.r, a, "team", scenario::IdleMode::shared, scenario::OverheadSplit::even));
  ASSERT_EQ(rows.size(), 2u);  // no idle row
  EXPECT_NEAR(rows.at("ml").idle_usd, kIdle * kA / (kA + kB), 1e-9);
  EXPECT_NEAR(rows.at("ml").total_usd(), kBill * kA / (kA + kB), 1e-9);
  EXPECT_NEAR(rows.at(analysis::kUnallocatedRow).total_usd(), kBill * kB / (kA + kB), 1e-9);
}

TEST(Allocation, OverheadEvenOrProportional) {
  auto ran = run_yaml(kYaml, kTrace);
  scenario::AllocationSpec spec;
  spec.overhead = {{"control-plane", 0.10}, {"load-balancer", 36.5 / 730}};  // 0.2 and 0.1 over 2 h
  const auto a = analysis::allocate(ran.r, spec);
  EXPECT_NEAR(a.overhead_usd(), 0.3, 1e-12);
  const auto even = analysis::aggregate(ran.r, a, "team", scenario::IdleMode::separate, scenario::OverheadSplit::even);
  const auto e = by_name(even);
  EXPECT_NEAR(e.at("ml").overhead_usd, 0.15, 1e-12);
  EXPECT_NEAR(e.at(analysis::kUnallocatedRow).overhead_usd, 0.15, 1e-12);
  EXPECT_EQ(e.at(analysis::kIdleRow).overhead_usd, 0);
  EXPECT_NEAR(total(even), kBill + 0.3, 1e-9);
  const auto prop =
      by_name(analysis::aggregate(ran.r, a, "team", scenario::IdleMode::separate, scenario::OverheadSplit::proportional));
  EXPECT_NEAR(prop.at("ml").overhead_usd, 0.3 * kA / (kA + kB), 1e-12);
}

TEST(Allocation, ScenarioKeysReachAllocationCsv) {
  auto ran = run_yaml(kYaml +
                          "allocation:\n  idle: shared\n  overhead_split: even\n  overhead:\n"
                          "    - {name: control-plane, usd_per_hour: 0.10}\n",
                      kTrace);
  EXPECT_EQ(ran.s->allocation.idle, scenario::IdleMode::shared);
  ASSERT_EQ(ran.s->allocation.overhead.size(), 1u);
  const std::string path = ::testing::TempDir() + "allocation_" + std::to_string(::getpid()) + ".csv";
  analysis::write_allocation_csv(path, ran.r);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "aggregate,name,jobs,gpu_usd,cpu_usd,memory_usd,workload_usd,idle_usd,overhead_usd,total_usd");
  std::map<std::string, double> sums;
  int rows = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::vector<std::string> f;
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 10u) << line;
    sums[f[0]] += std::stod(f[9]);
    ++rows;
  }
  // idle shared: no idle rows. namespace: research; team: ml, __unallocated__;
  // label:cost_center: cc1, __unallocated__.
  EXPECT_EQ(rows, 1 + 2 + 2);
  ASSERT_EQ(sums.size(), 3u);  // namespace, team, label:cost_center
  for (const auto& [key, s] : sums) EXPECT_NEAR(s, kBill + 0.2, 1e-9) << key;
  std::filesystem::remove(path);
}

TEST(Allocation, BadScenarioKeysNameFileLineFieldAndExpectation) {
  const std::string base = "name: x\ncluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 1}\n"
                           "workload:\n  - {name: s, synthetic: {jobs: 1}}\n";
  auto message = [&](const std::string& extra) {
    try {
      scenario::parse_scenario(base + extra, "bad.yaml", "");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("allocation: {idle: shard}\n"), "bad.yaml:7: allocation.idle: expected one of separate, shared (did you mean 'shared'?), got 'shard'");
  EXPECT_EQ(message("allocation:\n  overhead:\n    - {name: cp, usd_per_hour: 1, usd_per_month: 730}\n"), "bad.yaml:9: allocation.overhead[0].usd_per_month: expected exactly one of usd_per_hour or "
            "usd_per_month, got '730'");
  EXPECT_EQ(message("allocation:\n  overhead:\n    - {name: cp, usd_per_hour: -1}\n"), "bad.yaml:9: allocation.overhead[0].usd_per_hour: expected a number in [0, 1000000000], got '-1'");
  EXPECT_EQ(message("allocation: {overhead_split: evenly}\n"), "bad.yaml:7: allocation.overhead_split: expected one of even, proportional (did you mean 'even'?), "
            "got 'evenly'");
  EXPECT_THROW(analysis::group_of(models::Job{}, "owner"), InputError);
}

// Conservation on shipped scenarios: a fixed pool with many jobs, spot nodes with
// interruptions and a price series, and MIG-shared GPUs.
TEST(Allocation, WorkloadsPlusIdleEqualTheBillOnShippedScenarios) {
  for (const auto& [file, horizon] : std::vector<std::pair<std::string, std::string>>{
           {"scenarios/default.yaml", "12h"}, {"scenarios/spot-checkpointing.yaml", "3d"},
           {"scenarios/mig-dynamic.yaml", "6h"}, {"scenarios/cluster-autoscaler.yaml", "12h"}}) {
    auto s = scenario::load_scenario(file, {"horizon=" + horizon});
    analysis::MemoryRecorder rec;
    world::World w(s, s.seed, rec);
    const auto r = w.run();
    const auto a = analysis::allocate(r, {});
    const double b = bill(r);
    ASSERT_GT(b, 0) << file;
    EXPECT_NEAR(a.workload_usd() + a.idle.total(), b, 1e-6 * b) << file;
    for (const auto& n : a.nodes) {
      EXPECT_GE(n.idle.gpu, -1e-9 * b) << file;
      EXPECT_GE(n.idle.cpu, -1e-9 * b) << file;
      EXPECT_GE(n.idle.memory, -1e-9 * b) << file;
    }
    for (const std::string by : {"team", "namespace", "label:kind"})
      for (auto idle : {scenario::IdleMode::separate, scenario::IdleMode::shared})
        EXPECT_NEAR(total(analysis::aggregate(r, a, by, idle, scenario::OverheadSplit::even)), b, 1e-6 * b)
            << file << " " << by;
  }
}

}  // namespace
}  // namespace fleetsim
