#pragma once
// What the FGD experiment writes (docs/fgd.md, docs/outputs.md): a results
// directory with
//   fgd.csv           one row per policy, seed and arrived percent
//   fgd-summary.csv   median, min and max over seeds per policy and percent
//   fgd-runs.csv      per run: pods arrived, failed, arrived GPU request
//   typical-pods.csv  the target workload the fragmentation is measured against
//   fgd.png           the three curves per policy (scripts/plot_fgd.py)
// written into DIR.partial and renamed to DIR when complete.
#include <ostream>
#include <string>
#include <vector>

#include "analysis/fgd_experiment.hpp"

namespace fleetsim::analysis {

struct FgdStat {
  std::string policy, statistic;  // statistic: median, min or max over seeds
  int arrived_pct = 0;
  double alloc_pct = 0, frag_pct = 0, frag_ratio_pct = 0, unallocated_gpus = 0;
};

// Per policy (in `policies` order), statistic and arrived percent. The median
// of an even number of seeds is the mean of the middle two; NaN values (no
// measurement near that percent) are left out.
std::vector<FgdStat> summarize_fgd(const std::vector<FgdRun>& runs, const std::vector<std::string>& policies);

// The headline table: each policy's median [min, max] at `arrived_pct`.
void print_fgd_headline(std::ostream& out, const std::vector<FgdStat>& stats, const std::vector<FgdRun>& runs,
                        const std::vector<std::string>& policies, int arrived_pct);

// Writes the directory (all files but fgd.png), then, when `plot`, runs
// scripts/plot_fgd.py on it. Returns "" or, if plotting failed, why (the CSV
// files are written and DIR exists either way).
std::string write_fgd_results(const std::string& dir, const FgdInput& input, const std::vector<FgdRun>& runs,
                              const std::vector<FgdStat>& stats, bool plot);

// The command that draws DIR/fgd.png from DIR/fgd-summary.csv.
std::string fgd_plot_command(const std::string& dir);

}  // namespace fleetsim::analysis
