#include "cli/advise.hpp"

#include <cstdio>
#include <iostream>

#include "analysis/advise.hpp"
#include "analysis/advise_replay.hpp"

namespace fleetsim::cli {

CLI::App* add_advise_command(CLI::App& app, AdviseArgs& a) {
  auto* c = app.add_subcommand(
      "advise",
      "Find cost waste in a run (idle GPU nodes, unused GPUs, inference that fits a MIG slice, training that "
      "tolerates spot, long scale-down delays, unlabelled spend); writes RUN_DIR/advise.md and advise.json.");
  c->add_option("run_dir", a.run_dir, "results directory of a run (fleetsim run --out)")->required();
  c->add_option("--scenario-dir", a.scenario_dir,
                "directory the scenario's relative paths (traces) are resolved from (default: RUN_DIR)");
  c->add_flag("--quiet,-q", a.quiet, "print nothing; only write the files");
  return c;
}

int cmd_advise(const AdviseArgs& a) {
  const auto run = analysis::replay_run(a.run_dir, a.scenario_dir);
  const auto findings = analysis::advise(run.result, *run.scenario);
  analysis::write_advice(a.run_dir, findings, run.result);
  if (a.quiet) return 0;
  double total = 0;
  for (const auto& f : findings) total += f.monthly_saving_usd;
  std::cout << "fleetsim: " << run.result.scenario_name << " (seed " << run.result.seed << "), " << findings.size()
            << " finding(s)\n";
  char buf[64];
  for (const auto& f : findings) {
    std::snprintf(buf, sizeof buf, "%10.2f", f.monthly_saving_usd);
    std::cout << "  $" << buf << "/month  " << f.id << ": " << f.finding << "\n";
  }
  std::snprintf(buf, sizeof buf, "%.2f", total);
  std::cout << "  total       $" << buf << "/month\n  written     " << a.run_dir << "/advise.md, advise.json\n";
  return 0;
}

}  // namespace fleetsim::cli
