#pragma once
// The static-vs-dynamic study, part (2): the published table's workloads run
// through the mechanisms its arithmetic leaves out (docs/purchasing.md#the-study-part-2):
// node launch and boot, scale-down delay, spot reclaims with the work lost since
// the last checkpoint, checkpoint writes, cold starts. Each dynamic line's bill
// from a run of scenarios/study/simulated-*.yaml is split into where its
// dollars went, and set beside the static line and the published dynamic one.
#include <iosfwd>
#include <string>
#include <vector>

#include "analysis/study_table.hpp"
#include "analysis/summary.hpp"

namespace fleetsim::analysis {

// A share of a simulated bill: GPU-hours and what they cost.
struct CostPart {
  std::string what;
  double gpu_hours = 0, usd = 0;
  bool work = false;  // serving or working (commitments covering it included), not an overhead
};

struct SimulatedLine {
  std::string component, how;          // as in the published table
  std::string static_from, simulated_from;
  double static_usd = 0, published_usd = 0, simulated_usd = 0;
  double usd_per_gpu_hour = 0;         // the run's list price of a GPU-hour, at which the parts are priced
  std::vector<CostPart> parts;         // add up to simulated_usd
  std::vector<std::string> static_effects, simulated_effects;  // what the team sees besides the bill
  std::vector<double> simulated_usd_by_seed;  // the same line under seeds seed, seed + 1, ...
  double published_saving() const { return static_usd > 0 ? 1 - published_usd / static_usd : 0; }
  double simulated_saving() const { return static_usd > 0 ? 1 - simulated_usd / static_usd : 0; }
  double work_usd() const {  // the parts that are the work itself, not the mechanisms' overheads
    double usd = 0;
    for (const auto& p : parts) usd += p.work ? p.usd : 0;
    return usd;
  }
};

struct SimulatedStudy {
  std::vector<SimulatedLine> lines;
  double static_usd = 0, published_usd = 0, simulated_usd = 0;
  double published_saving() const { return static_usd > 0 ? 1 - published_usd / static_usd : 0; }
  double simulated_saving() const { return static_usd > 0 ? 1 - simulated_usd / static_usd : 0; }
};

// A simulated dynamic bill split into parts that add up to it: commitments
// (their effective fees on the hours they covered, and any unused part), then,
// at the run's list price per GPU-hour, replicas serving or jobs working, cold
// starts, checkpoint writes and restores, work lost to reclaims (run again),
// elastic re-rendezvous pauses, nodes booting, and idle nodes (scale-down delay,
// consolidation, billing minimums). Commitments cover serving or work first.
// Parts with no hours and no dollars are left out. Throws std::invalid_argument
// for a run whose nodes do not have one GPU each (a reservation covers node-hours).
std::vector<CostPart> simulated_cost_parts(const Summary& run, double& usd_per_gpu_hour);
// The sum of those parts: the run's bill, effective where it has commitments.
double simulated_bill(const Summary& run);

// The three lines of part (2). `published` is part (1)'s table (its static
// column is the static runs' bills and its dynamic column the published one);
// `static_inference` is simulated-static-inference.yaml, the endpoints' static
// line with traffic; `inference`, `training`, `batch` are the simulated runs.
// `by_seed` holds, per line, the simulated bills under further seeds.
SimulatedStudy simulated_study(const StudyTable& published, const Summary& static_inference,
                               const Summary& inference, const Summary& training, const Summary& batch,
                               const std::vector<std::vector<double>>& by_seed = {});

// What a run's users see besides the bill: per service latency, SLO and cold
// starts; jobs finished, waits, spot reclaims and lost work, deadlines.
std::vector<std::string> study_effects(const Summary& run);

void print_simulated_study(std::ostream& out, const SimulatedStudy& s);
// study-simulated.csv: one row per line and the total (static, published and
// simulated bills and savings, and the simulated bill's min/mean/max over seeds);
// study-parts.csv: component, part, gpu_hours, usd.
void write_simulated_study_csv(const std::string& path, const SimulatedStudy& s);
void write_study_parts_csv(const std::string& path, const SimulatedStudy& s);
// study.svg: static, published dynamic and simulated dynamic bills by line, as bars.
std::string simulated_study_chart(const SimulatedStudy& s);

}  // namespace fleetsim::analysis
