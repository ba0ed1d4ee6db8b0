// The FGD experiment driver (analysis/fgd_experiment.hpp) on small traces:
// arrivals, curves, determinism across thread counts, bad input.
#include "analysis/fgd_experiment.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/fgd_report.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {
namespace {

namespace fs = std::filesystem;

std::string tmp(const std::string& name) {
  static const std::string dir = [] {
    std::string d = ::testing::TempDir() + "fgd_experiment_" + std::to_string(::getpid());
    fs::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = tmp(name);
  std::ofstream(path) << text;
  return path;
}

const char* kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

// 3 nodes, 12 GPUs.
std::string small_nodes() {
  return write("nodes.csv",
               "sn,cpu_milli,memory_mib,gpu,model\n"
               "node-0,32000,131072,4,T4\n"
               "node-1,64000,262144,8,V100M32\n"
               "node-2,16000,65536,0,nan\n");
}

// 6 pods asking for 0.5 + 1 + 0.25 + 2 + 0 + 0.5 = 4.25 GPUs.
std::string small_pods() {
  return write("pods.csv", std::string(kPodHeader) +
                               "pod-a,4000,8192,1,500,,LS,Running,0,100,0\n"
                               "pod-b,8000,16384,1,1000,,LS,Running,10,100,10\n"
                               "pod-c,2000,4096,1,250,,BE,Running,20,100,20\n"
                               "pod-d,16000,32768,2,1000,V100M16|V100M32,LS,Running,30,100,30\n"
                               "pod-e,1000,2048,0,0,,BE,Running,40,100,40\n"
                               "pod-f,4000,8192,1,500,,LS,Pending,50,100,\n");
}

TEST(FgdExperiment, LoadsTheOpenbFormat) {
  auto in = load_fgd_input(small_nodes(), small_pods());
  EXPECT_EQ(in.cluster.size(), 3);
  EXPECT_EQ(in.cluster.total_gpus(), 12);
  ASSERT_EQ(in.pods.size(), 6u);
  EXPECT_EQ(in.pods[0].name, "pod-a");
  EXPECT_TRUE(in.pods[0].shares_gpu());
  EXPECT_EQ(in.pods[1].num_gpus, 1);
  EXPECT_EQ(in.pods[1].gpu_milli, 1000);
  EXPECT_EQ(in.pods[3].num_gpus, 2);
  EXPECT_EQ(in.pods[3].gpu_spec, "V100M16|V100M32");
  EXPECT_FALSE(in.pods[4].wants_gpu());
  // Five shapes among six pods: 95% needs all; (4000, 1 x 500) twice first.
  ASSERT_EQ(in.typical.size(), 5u);
  EXPECT_EQ(in.typical[0].count, 2);
  EXPECT_DOUBLE_EQ(in.typical[0].weight, 2.0 / 6);
}

TEST(FgdExperiment, ArrivalsShuffleThenResampleUpToTheTarget) {
  auto in = load_fgd_input(small_nodes(), small_pods());
  const auto order = fgd_arrivals(in, 42, 1.3);
  ASSERT_GE(order.size(), 6u);
  // The first six are a permutation of the list.
  EXPECT_EQ(std::set<std::uint32_t>(order.begin(), order.begin() + 6), (std::set<std::uint32_t>{0, 1, 2, 3, 4, 5}));
  std::int64_t milli = 0;
  for (auto k : order) milli += in.pods[k].total_gpu_milli();
  EXPECT_LE(milli, 15600);         // 130% of 12 GPUs
  EXPECT_GT(milli, 15600 - 2000);  // stops at the first draw that would go over (at most 2 GPUs)
  EXPECT_EQ(order, fgd_arrivals(in, 42, 1.3));
  EXPECT_NE(order, fgd_arrivals(in, 43, 1.3));
  // Below the list's own request: pods are removed at random instead.
  const auto fewer = fgd_arrivals(in, 42, 0.2);  // 2.4 GPUs
  std::int64_t kept = 0;
  for (auto k : fewer) kept += in.pods[k].total_gpu_milli();
  EXPECT_LE(kept, 2400);
  EXPECT_LT(fewer.size(), 6u);
}

TEST(FgdExperiment, CurveFromEveryArrival) {
  auto in = load_fgd_input(small_nodes(), small_pods());
  const auto run = run_fgd(in, "fgd", 42, 1.3);
  ASSERT_EQ(run.curve.size(), 131u);
  EXPECT_EQ(run.curve[0].arrived_pct, 0);
  EXPECT_GE(run.curve[0].reports, 1);  // the empty cluster is measured before the first pod
  EXPECT_EQ(run.curve[0].alloc_pct, 0);
  EXPECT_EQ(run.curve[0].unallocated_gpus, 12);
  EXPECT_EQ(run.curve[130].arrived_pct, 130);
  int reports = 0;
  for (const auto& p : run.curve) {
    if (p.reports == 0) continue;
    EXPECT_LE(p.alloc_pct, 100.0 + 1e-9);
    EXPECT_NEAR(p.unallocated_gpus, 12 * (1 - p.alloc_pct / 100), 1e-9);
    EXPECT_GE(p.frag_ratio_pct, 0);
    EXPECT_LE(p.frag_ratio_pct, 100.0 + 1e-9);
  }
  for (int x = 0; x <= 130; ++x) reports += run.curve[static_cast<std::size_t>(x)].reports;
  EXPECT_GE(reports, static_cast<int>(run.pods) + 1);  // neighbours may be counted twice
  EXPECT_GT(run.failed, 0u);                           // 130% cannot all fit
}

TEST(FgdExperiment, SameResultsForAnyThreadCount) {
  auto in = load_fgd_input(small_nodes(), small_pods());
  FgdOptions o;
  o.policies = fgd_paper_policies();
  o.seeds = {1, 2, 3};
  std::string csv[3];
  for (int t : {1, 2, 3}) {
    o.threads = t;
    auto runs = run_fgd_experiment(in, o);
    ASSERT_EQ(runs.size(), 18u);
    EXPECT_EQ(runs[0].policy, "random");
    EXPECT_EQ(runs[17].policy, "fgd");
    EXPECT_EQ(runs[17].seed, 3u);
    const std::string dir = tmp("threads" + std::to_string(t));
    EXPECT_EQ(write_fgd_results(dir, in, runs, summarize_fgd(runs, o.policies), false), "");
    EXPECT_FALSE(fs::exists(dir + ".partial"));
    std::ifstream f(dir + "/fgd.csv");
    std::stringstream ss;
    ss << f.rdbuf();
    csv[t - 1] = ss.str();
  }
  EXPECT_GT(csv[0].size(), 1000u);
  EXPECT_EQ(csv[0], csv[1]);
  EXPECT_EQ(csv[0], csv[2]);
}

TEST(FgdExperiment, SummaryIsMedianMinMax) {
  std::vector<FgdRun> runs(4);
  const double alloc[4] = {10, 40, 20, 30};
  for (int k = 0; k < 4; ++k) {
    runs[static_cast<std::size_t>(k)].policy = "p";
    runs[static_cast<std::size_t>(k)].seed = static_cast<std::uint64_t>(k);
    FgdPoint pt;
    pt.arrived_pct = 100;
    pt.reports = 1;
    pt.alloc_pct = alloc[k];
    runs[static_cast<std::size_t>(k)].curve = {pt};
  }
  auto stats = summarize_fgd(runs, {"p"});
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].statistic, "median");
  EXPECT_DOUBLE_EQ(stats[0].alloc_pct, 25);
  EXPECT_DOUBLE_EQ(stats[1].alloc_pct, 10);
  EXPECT_DOUBLE_EQ(stats[2].alloc_pct, 40);
}

std::string input_error(const std::string& nodes, const std::string& pods) {
  try {
    load_fgd_input(nodes, pods);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(FgdExperiment, BadInputNamesFileLineAndField) {
  const std::string pods = small_pods();
  const std::string no_model = write("no_model.csv", "sn,cpu_milli,memory_mib,gpu\nnode-0,32000,1024,2\n");
  EXPECT_NE(input_error(no_model, pods).find("no_model.csv"), std::string::npos);
  EXPECT_NE(input_error(no_model, pods).find("model"), std::string::npos);

  const std::string bad_gpu = write("bad_gpu.csv", "sn,cpu_milli,memory_mib,gpu,model\nnode-0,32000,1024,two,T4\n");
  const std::string e = input_error(bad_gpu, pods);
  EXPECT_NE(e.find("bad_gpu.csv:2"), std::string::npos) << e;
  EXPECT_NE(e.find("gpu"), std::string::npos) << e;

  const std::string cpu_only = write("cpu_only.csv", "sn,cpu_milli,memory_mib,gpu,model\nnode-0,32000,1024,0,nan\n");
  EXPECT_NE(input_error(cpu_only, pods).find("at least one node with GPUs"), std::string::npos);

  const std::string bad_milli =
      write("bad_milli.csv", std::string(kPodHeader) + "pod-a,4000,8192,1,half,,LS,Running,0,100,0\n");
  const std::string m = input_error(small_nodes(), bad_milli);
  EXPECT_NE(m.find("bad_milli.csv:2"), std::string::npos) << m;
  EXPECT_NE(m.find("gpu_milli"), std::string::npos) << m;

  const std::string no_gpu_pods =
      write("no_gpu_pods.csv", std::string(kPodHeader) + "pod-a,4000,8192,0,0,,LS,Running,0,100,0\n");
  EXPECT_NE(input_error(small_nodes(), no_gpu_pods).find("at least one pod asking for a GPU"), std::string::npos);

  EXPECT_THROW(run_fgd(load_fgd_input(small_nodes(), small_pods()), "fdg", 1, 1.3), InputError);
}

}  // namespace
}  // namespace fleetsim::analysis
