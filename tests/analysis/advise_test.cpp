// fleetsim advise (analysis/advise.hpp): each finding fires on a small scenario
// built to show its waste, with its saving computed by hand, and stays silent on
// the same scenario without the waste. Also: reading a run back from its
// results directory, and the allocate and advise subcommands.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/advise.hpp"
#include "analysis/advise_replay.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "cost_fixture.hpp"
#include "tests/cli/cli_runner.hpp"
#include "util/input_error.hpp"

namespace fleetsim {
namespace {

using testing_cost::run_yaml;

std::vector<analysis::Finding> findings(const testing_cost::Ran& ran) { return analysis::advise(ran.r, *ran.s); }

const analysis::Finding* find(const std::vector<analysis::Finding>& fs, const std::string& id) {
  for (const auto& f : fs)
    if (f.id == id) return &f;
  return nullptr;
}

void expect_complete(const analysis::Finding& f) {
  for (const auto* s : {&f.finding, &f.evidence, &f.action, &f.risk, &f.rollback, &f.reviewer})
    EXPECT_FALSE(s->empty()) << f.id;
  EXPECT_GE(f.monthly_saving_usd, 0) << f.id;
}

std::string pool_yaml(const std::string& name, const std::string& horizon, const std::string& pool,
                      const std::string& source_extra = "") {
  return "name: " + name + "\nhorizon: " + horizon + "\ncluster:\n  pools:\n    - " + pool +
         "\nworkload:\n  - {name: t, csv: TRACE" + source_extra + "}\n";
}

// Four one-GPU nodes for 10 h, one 10 h job: 30 of 40 GPU-hours idle, three
// whole nodes on average; removing them saves 3 x 1.006 USD/h x 730 h.
TEST(Advise, IdleGpuNodes) {
  const std::string trace = "job_id,submit,duration,gpus,team\na,0,10h,1,ml\n";
  auto ran = run_yaml(pool_yaml("idle", "10h", "{name: g, instance_type: g5.xlarge, count: 4}"), trace);
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "idle-gpu-nodes");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  EXPECT_NEAR(f->monthly_saving_usd, 3 * 1.006 * 730, 1e-6);
  EXPECT_NE(f->action.find("from 4 to 1"), std::string::npos) << f->action;
  EXPECT_NE(f->evidence.find("75.0% idle"), std::string::npos) << f->evidence;
  auto lean = run_yaml(pool_yaml("idle", "10h", "{name: g, instance_type: g5.xlarge, count: 1}"), trace);
  EXPECT_TRUE(findings(lean).empty());
}

// One 4-GPU job at 20% utilization on a g5.12xlarge for 10 h: its busy time fits
// ceil(4 x 0.2) = 1 GPU, so 3/4 of its 56.72 USD is saved; x 730/10 a month.
TEST(Advise, GpusRequestedButUnused) {
  const std::string pool = "{name: g, instance_type: g5.12xlarge, count: 1}";
  auto ran = run_yaml(pool_yaml("unused", "10h", pool),
                      "job_id,submit,duration,gpus,team,gpu_utilization\na,0,10h,4,ml,0.2\n");
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "gpus-requested-unused");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  EXPECT_NEAR(f->monthly_saving_usd, 5.672 * 10 * 0.75 * 73, 1e-6);
  EXPECT_NE(f->action.find("4 -> 1 GPUs"), std::string::npos) << f->action;
  auto busy = run_yaml(pool_yaml("unused", "10h", pool),
                       "job_id,submit,duration,gpus,team,gpu_utilization\na,0,10h,4,ml,0.9\n");
  EXPECT_TRUE(findings(busy).empty());
}

// Eight one-GPU inference servers at 10% utilization needing 4 GiB of GPU memory
// fill a p4d.24xlarge (A100 40 GB) for 10 h: each fits 1g.5gb (1/7 of a GPU),
// saving 6/7 of their cost (the whole node's 10 h).
TEST(Advise, WholeGpuInferenceFitsAMigSlice) {
  const std::string pool = "{name: a100, instance_type: p4d.24xlarge, count: 1}";
  auto trace = [](double util) {
    std::string t = "job_id,submit,duration,gpus,team,gpu_utilization,gpu_memory_mib,labels\n";
    for (int i = 0; i < 8; ++i)
      t += "serve-" + std::to_string(i) + ",0,10h,1,search," + std::to_string(util) + ",4096,workload_type=inference\n";
    return t;
  };
  auto ran = run_yaml(pool_yaml("mig", "10h", pool), trace(0.1));
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "inference-fits-mig");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  EXPECT_NEAR(f->monthly_saving_usd, 21.957642 * 10 * 6.0 / 7 * 73, 1e-6);
  EXPECT_NE(f->evidence.find("A100-SXM4-40GB 1g.5gb (8)"), std::string::npos) << f->evidence;
  EXPECT_TRUE(findings(run_yaml(pool_yaml("mig", "10h", pool), trace(0.9))).empty());
}

// A checkpointing 8-GPU training job on an on-demand p4d: the Spot Advisor's
// p4d.24xlarge saving (70%) of its cost, over a 12 h run.
TEST(Advise, OnDemandTrainingThatToleratesSpot) {
  const std::string pool = "{name: a100, instance_type: p4d.24xlarge, count: 1}";
  const std::string trace = "job_id,submit,duration,gpus,team\ntrain,0,10h,8,nlp\n";
  auto ran = run_yaml(pool_yaml("spot", "12h", pool, ", checkpoint: {interval: 30m, write: 1m}"), trace);
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "training-tolerates-spot");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  // 10 h of work and 19 one-minute checkpoint writes: 10h19m on the whole node.
  EXPECT_NEAR(ran.r.records[0].cost_usd, 21.957642 * (10 + 19.0 / 60), 1e-6);
  EXPECT_NEAR(f->monthly_saving_usd, ran.r.records[0].cost_usd * 0.70 * 730 / 12, 1e-6);
  EXPECT_TRUE(findings(run_yaml(pool_yaml("spot", "12h", pool), trace)).empty());
}

// Cluster Autoscaler with a 2 h --scale-down-unneeded-time: a 30 min job's node
// idles 2 h before removal and nothing comes back for it. With 1 m, it does not.
TEST(Advise, ScaleDownDelayThatCostsMoreThanItProtects) {
  auto yaml = [](const std::string& unneeded) {
    return "name: ca\nhorizon: 6h\ncluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 0, min: 0, "
           "max: 2}\nprovisioning: {policy: cluster-autoscaler, scale_down_unneeded_time: " +
           unneeded + "}\nworkload:\n  - {name: t, csv: TRACE}\n";
  };
  auto ran = run_yaml(yaml("2h"), "job_id,submit,duration,gpus,team\na,0,30m,1,ml\n");
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "scale-down-delay");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  ASSERT_EQ(ran.r.cluster.nodes().size(), 1u);
  const auto& n = ran.r.cluster.nodes()[0];
  ASSERT_NE(n.terminated, sim::kNever);
  const double idle_h = sim::to_seconds(n.terminated - n.pods_changed) / 3600;
  EXPECT_GE(idle_h, 2.0);
  EXPECT_LT(idle_h, 2.1);
  EXPECT_NEAR(f->monthly_saving_usd, 0.5 * 1.006 * idle_h * 730 / 6, 1e-6);
  EXPECT_NE(f->action.find("scale_down_unneeded_time"), std::string::npos) << f->action;
  EXPECT_NE(f->action.find("now 2h"), std::string::npos) << f->action;
  auto quick = run_yaml(yaml("1m"), "job_id,submit,duration,gpus,team\na,0,2h,1,ml\n");
  EXPECT_TRUE(findings(quick).empty());
}

// One 10 h job with no team on a one-node pool: all job spend is unowned.
TEST(Advise, UnlabelledSpend) {
  const std::string pool = "{name: g, instance_type: g5.xlarge, count: 1}";
  auto ran = run_yaml(pool_yaml("owners", "10h", pool), "job_id,submit,duration,gpus\na,0,10h,1\n");
  const auto fs = findings(ran);
  ASSERT_EQ(fs.size(), 1u);
  const auto* f = find(fs, "unlabelled-spend");
  ASSERT_NE(f, nullptr);
  expect_complete(*f);
  EXPECT_EQ(f->monthly_saving_usd, 0);
  EXPECT_NE(f->evidence.find("$10.06 (100.0% of job spend)"), std::string::npos) << f->evidence;
  EXPECT_NE(f->evidence.find("__unallocated__"), std::string::npos);
  EXPECT_TRUE(findings(run_yaml(pool_yaml("owners", "10h", pool), "job_id,submit,duration,gpus,team\na,0,10h,1,ml\n"))
                  .empty());
}

// ---- reading a run back, and the subcommands ----

const std::string kSynthetic = R"(name: replay
seed: 3
horizon: 8h
cluster:
  pools:
    - {name: g, instance_type: g5.xlarge, count: 3}
workload:
  - name: s
    synthetic:
      count: 12
      arrivals: {rate: 2/h}
      duration: {distribution: exponential, mean: 1h}
      shapes: [{weight: 1, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 1000, memory_mib_per_pod: 4096}]
)";

std::string write_run(const std::string& name) {
  auto ran = run_yaml(kSynthetic);
  const std::string dir = ::testing::TempDir() + name + "_" + std::to_string(::getpid());
  analysis::MemoryRecorder rec;
  analysis::write_results(dir, ran.r, analysis::summarize(ran.r), rec);
  return dir;
}


TEST(Advise, ReplayReproducesTheRunAndRefusesAMismatch) {
  const std::string dir = write_run("advise_replay");
  ASSERT_TRUE(std::filesystem::exists(dir + "/allocation.csv"));
  ASSERT_TRUE(std::filesystem::exists(dir + "/focus.csv"));
  auto again = run_yaml(kSynthetic);
  const auto run = analysis::replay_run(dir);
  ASSERT_EQ(run.result.bills.size(), again.r.bills.size());
  for (std::size_t i = 0; i < again.r.bills.size(); ++i)
    EXPECT_EQ(run.result.bills[i].cost_usd, again.r.bills[i].cost_usd);
  // A summary that disagrees with the replay is refused.
  nlohmann::json s = nlohmann::json::parse(std::ifstream(dir + "/summary.json"));
  s["cost_usd"]["total"] = 1.5;
  std::ofstream(dir + "/summary.json") << s.dump();
  try {
    analysis::replay_run(dir);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("but summary.json says $1.5 "), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

// A trace named by a path relative to the scenario's folder: the replay finds it
// through --scenario-dir, and says so when it is missing.
TEST(Advise, ReplayResolvesRelativePathsFromTheScenarioDir) {
  const std::filesystem::path base = ::testing::TempDir() + "advise_rel_" + std::to_string(::getpid());
  std::filesystem::create_directories(base / "traces");
  std::ofstream(base / "traces" / "t.csv") << "job_id,submit,duration,gpus,team\na,0,1h,1,ml\n";
  const std::string yaml = "name: rel\nhorizon: 2h\ncluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, "
                           "count: 1}\nworkload:\n  - {name: t, csv: traces/t.csv}\n";
  const auto s = scenario::parse_scenario(yaml, (base / "rel.yaml").string(), base.string());
  analysis::MemoryRecorder rec;
  world::World w(s, s.seed, rec);
  const auto r = w.run();
  const std::string dir = (base / "run").string();
  analysis::write_results(dir, r, analysis::summarize(r), rec);
  try {
    analysis::replay_run(dir);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pass --scenario-dir with the original scenario's directory"),
              std::string::npos)
        << e.what();
  }
  const auto run = analysis::replay_run(dir, base.string());
  EXPECT_EQ(run.result.records[0].cost_usd, r.records[0].cost_usd);
  std::filesystem::remove_all(base);
}

TEST(Advise, SubcommandsWriteAdviceAndPrintTheAllocation) {
  const std::string dir = write_run("advise_cli");
  auto [rc, out] = testing_cli::fleetsim("advise " + dir);
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(std::filesystem::exists(dir + "/advise.md"));
  const auto j = nlohmann::json::parse(std::ifstream(dir + "/advise.json"));
  EXPECT_EQ(j["scenario"], "replay");
  ASSERT_FALSE(j["findings"].empty());  // no team on any job
  double total = 0;
  for (const auto& f : j["findings"]) {
    for (const char* k : {"id", "finding", "evidence", "action", "monthly_saving_usd", "risk", "rollback", "reviewer"})
      EXPECT_TRUE(f.contains(k)) << k;
    total += f["monthly_saving_usd"].get<double>();
  }
  EXPECT_NEAR(j["total_monthly_saving_usd"].get<double>(), total, 1e-9);
  EXPECT_NE(out.find("unlabelled-spend"), std::string::npos) << out;
  auto [rc2, table] = testing_cli::fleetsim("allocate " + dir + " --by namespace --idle shared");
  ASSERT_EQ(rc2, 0) << table;
  EXPECT_NE(table.find("default"), std::string::npos) << table;
  EXPECT_EQ(table.find("__idle__"), std::string::npos) << table;
  auto [rc3, bad] = testing_cli::fleetsim("allocate " + dir + " --by owner");
  EXPECT_EQ(rc3, 2);
  EXPECT_EQ(bad, "error: --by owner: expected team, namespace or label:KEY (e.g. label:cost_center)\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fleetsim
