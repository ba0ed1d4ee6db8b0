#include "cli/allocate.hpp"

#include <iostream>

#include "analysis/advise_replay.hpp"
#include "analysis/allocation.hpp"

namespace fleetsim::cli {

CLI::App* add_allocate_command(CLI::App& app, AllocateArgs& a) {
  auto* c = app.add_subcommand("allocate",
                               "Allocate a run's cost to teams, namespaces or label values (OpenCost model: GPU, CPU "
                               "and memory at request x time, idle and overhead shown or shared; docs/cost.md).");
  c->add_option("run_dir", a.run_dir, "results directory of a run (fleetsim run --out)")->required();
  c->add_option("--by", a.by, "team, namespace or label:KEY (e.g. label:cost_center)")->capture_default_str();
  c->add_option("--idle", a.idle, "separate (its own row) or shared (spread by cost); default: the scenario's")
      ->check(CLI::IsMember({"separate", "shared"}));
  c->add_option("--overhead-split", a.overhead_split, "even or proportional; default: the scenario's")
      ->check(CLI::IsMember({"even", "proportional"}));
  c->add_option("--scenario-dir", a.scenario_dir,
                "directory the scenario's relative paths (traces) are resolved from (default: RUN_DIR)");
  return c;
}

int cmd_allocate(const AllocateArgs& a) {
  const auto run = analysis::replay_run(a.run_dir, a.scenario_dir);
  auto spec = run.scenario->allocation;
  if (!a.idle.empty()) spec.idle = a.idle == "shared" ? scenario::IdleMode::shared : scenario::IdleMode::separate;
  if (!a.overhead_split.empty())
    spec.overhead_split =
        a.overhead_split == "proportional" ? scenario::OverheadSplit::proportional : scenario::OverheadSplit::even;
  const auto alloc = analysis::allocate(run.result, spec);
  const auto rows = analysis::aggregate(run.result, alloc, a.by, spec.idle, spec.overhead_split);
  std::cout << "fleetsim: " << run.result.scenario_name << " (seed " << run.result.seed << "), cost by " << a.by
            << ", idle " << (spec.idle == scenario::IdleMode::shared ? "shared" : "separate") << "\n"
            << analysis::allocation_table(rows, a.by);
  return 0;
}

}  // namespace fleetsim::cli
