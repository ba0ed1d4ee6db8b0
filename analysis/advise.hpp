#pragma once
// `fleetsim advise`: cost findings from one run, each with the evidence from the
// run, an action, the expected monthly saving, its risk, how to roll it back and
// who should review it. docs/cost.md lists the findings and their thresholds.
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

struct Finding {
  std::string id;        // stable: idle-gpu-nodes, gpus-requested-unused, ...
  std::string finding;   // what is wasteful
  std::string evidence;  // numbers from the run
  std::string action;
  double monthly_saving_usd = 0;  // scaled from the run's length to 730 h
  std::string risk;
  std::string rollback;
  std::string reviewer;
};

// Thresholds; docs/cost.md explains each.
struct AdviseThresholds {
  double idle_pool_share = 0.30;       // idle GPU-hours / provisioned, per pool
  double idle_whole_nodes = 1.0;       // and at least this many whole nodes idle on average
  double unused_utilization = 0.50;    // jobs of 2+ GPUs at or below this utilization
  double mig_utilization = 3.0 / 7.0;  // inference on a whole GPU at or below this
  double scale_down_bill_share = 0.05; // idle-before-removal cost / bill
  double scale_down_reuse = 0.5;       // ... when fewer removals than this share were followed by a relaunch
  double unlabelled_share = 0.01;      // spend of jobs with no team / job spend
};

std::vector<Finding> advise(const world::RunResult& r, const scenario::Scenario& s, const AdviseThresholds& t = {});

// Markdown and JSON renderings (the JSON: {scenario, seed, run_hours, findings:
// [{id, finding, evidence, action, monthly_saving_usd, risk, rollback, reviewer}],
// total_monthly_saving_usd}).
std::string advise_markdown(const std::vector<Finding>& f, const world::RunResult& r);
std::string advise_json(const std::vector<Finding>& f, const world::RunResult& r);
// advise.md and advise.json in `dir`, each written to a temporary name and renamed.
void write_advice(const std::string& dir, const std::vector<Finding>& f, const world::RunResult& r);

}  // namespace fleetsim::analysis
