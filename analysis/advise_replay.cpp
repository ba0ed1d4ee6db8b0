#include "analysis/advise_replay.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/recorder.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;

namespace {
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string() + ": cannot open (is this a fleetsim results directory?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

ReplayedRun replay_run(const std::string& run_dir, const std::string& scenario_dir) {
  const fs::path dir(run_dir);
  const fs::path summary_path = dir / "summary.json";
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(read_file(summary_path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(summary_path.string() + ": not valid JSON: " + e.what());
  }
  if (!summary.contains("seed") || !summary["seed"].is_number_unsigned() || !summary.contains("cost_usd") ||
      !summary["cost_usd"].contains("total") || !summary["cost_usd"]["total"].is_number())
    throw InputError(summary_path.string() + ": expected the keys seed and cost_usd.total of a fleetsim summary");
  const auto seed = summary["seed"].get<std::uint64_t>();
  const double recorded = summary["cost_usd"]["total"].get<double>();
  const fs::path scenario_path = dir / "scenario.yaml";
  ReplayedRun out;
  const std::string base = scenario_dir.empty() ? dir.string() : scenario_dir;
  try {
    out.scenario = std::make_unique<scenario::Scenario>(
        scenario::parse_scenario(read_file(scenario_path), scenario_path.string(), base));
    sim::NullRecorder rec;
    world::World w(*out.scenario, seed, rec);
    out.result = w.run();
  } catch (const InputError& e) {
    // Traces and catalogs named by relative paths resolve from `base`.
    throw InputError(std::string(e.what()) + " (replaying " + scenario_path.string() + "; relative paths resolve from " +
                     base + ": pass --scenario-dir with the original scenario's directory)");
  }
  double total = 0;
  for (const auto& b : out.result.bills) total += b.cost_usd;
  if (std::abs(total - recorded) > 1e-9 * std::max(1.0, std::abs(recorded))) {
    std::ostringstream msg;
    msg.precision(10);
    msg << run_dir << ": replaying scenario.yaml with seed " << seed << " costs $" << total << ", but summary.json says $"
        << recorded << " (was the run made by another fleetsim version, or are its input files changed?)";
    throw InputError(msg.str());
  }
  return out;
}

}  // namespace fleetsim::analysis
