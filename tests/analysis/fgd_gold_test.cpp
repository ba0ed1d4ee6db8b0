// Gold test against truth that is not ours: the FGD paper's policy ranking on
// the Alibaba openb trace (Weng et al., ATC'23, Fig. 9a; the artifact's
// experiments/analysis/expected_results/analysis_allo_discrete.csv, rows
// openb_pod_list_default, tune 1.3, seeds 42..51). Real runs of the default node
// and pod lists, all six policies, ten seeds (42..51) as `fleetsim fgd` runs
// them: about 10 s of CPU.
#include <gtest/gtest.h>

#include <map>

#include "analysis/fgd_experiment.hpp"
#include "analysis/fgd_report.hpp"

namespace fleetsim::analysis {
namespace {

const std::string kDir = std::string(FLEETSIM_SOURCE_DIR) + "/data/alibaba-gpu-v2023/";

// The artifact's medians over its ten seeds at 100% arrived workload: GPU
// allocation ratio, % (computed from analysis_allo_discrete.csv).
const std::map<std::string, double> kArtifactAllocAt100 = {{"random", 86.25},         {"dot-product", 90.555},
                                                           {"gpu-clustering", 91.58}, {"gpu-packing", 91.805},
                                                           {"best-fit", 92.91},       {"fgd", 95.23}};

// One test: ctest runs every test in a process of its own, and the runs are
// the expensive part.
TEST(FgdGold, PolicyRankingOnTheDefaultTrace) {
  const auto input = load_fgd_input(kDir + "openb_node_list_gpu_node.csv", kDir + "openb_pod_list_default.csv");
  EXPECT_EQ(input.cluster.size(), 1213);
  EXPECT_EQ(input.cluster.total_gpus(), 6212);
  EXPECT_EQ(input.pods.size(), 8152u);
  FgdOptions o;
  o.policies = fgd_paper_policies();
  for (std::uint64_t seed = 42; seed <= 51; ++seed) o.seeds.push_back(seed);
  const auto runs = run_fgd_experiment(input, o);
  const auto stats = summarize_fgd(runs, o.policies);
  auto median_at = [&](const std::string& policy, int pct) -> const FgdStat& {
    for (const auto& s : stats)
      if (s.policy == policy && s.statistic == "median" && s.arrived_pct == pct) return s;
    throw std::runtime_error("no median for " + policy);
  };

  // Inflated to 130% of 6212 GPUs: about 10,800 arrivals per run.
  for (const auto& r : runs) {
    EXPECT_GT(r.pods, 10000u);
    EXPECT_LE(r.arrived_gpu_milli, 8075600);
    EXPECT_GT(r.arrived_gpu_milli, 8075600 - 8000);
  }

  // The headline: at 100% arrived workload fgd leaves the fewest GPUs
  // unallocated and random the most.
  const double fgd = median_at("fgd", 100).unallocated_gpus;
  const double random = median_at("random", 100).unallocated_gpus;
  for (const auto& p : fgd_paper_policies()) {
    const double u = median_at(p, 100).unallocated_gpus;
    if (p != "fgd") {
      EXPECT_LT(fgd, u) << "fgd " << fgd << " vs " << p << " " << u;
    }
    if (p != "random") {
      EXPECT_GT(random, u) << "random " << random << " vs " << p << " " << u;
    }
  }

  // Each policy's allocation at 100% is within a point of the artifact's (our
  // seeds draw other shuffles; its ten runs per policy spread over 0.3-2.1 points).
  for (const auto& [policy, expected] : kArtifactAllocAt100)
    EXPECT_NEAR(median_at(policy, 100).alloc_pct, expected, 1.0) << policy;

  // At 0% every free GPU is a fragment for the CPU-only typical pods (13.3% of
  // the pods, a bit more of the typical ones): the artifact reports 13.9-14.1%.
  for (const auto& p : fgd_paper_policies()) EXPECT_NEAR(median_at(p, 0).frag_ratio_pct, 14.0, 0.5) << p;
}

}  // namespace
}  // namespace fleetsim::analysis
