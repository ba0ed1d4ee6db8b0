#pragma once
// A sweep's directory while it runs: sweep.json (what made it: fleetsim
// version, git commit, spec hash) and points/<run>.json, one small file per
// finished run, each written to a temporary name and renamed when complete. A
// rerun skips the runs whose file exists; results from another spec or another
// build are refused rather than mixed.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fleetsim::analysis {

struct SweepIdentity {
  std::string version, commit;  // of the fleetsim that runs
  std::string spec_hash;        // of the spec's text and the base scenario as run
  bool operator==(const SweepIdentity&) const = default;
};

// The identity of this build for a spec and its base scenario text.
SweepIdentity sweep_identity(const std::string& spec_text, const std::string& scenario_text);

struct RunRecord {
  std::size_t run = 0, point = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> assignments;                 // path=value of each parameter
  std::vector<std::pair<std::string, double>> metrics;  // headline_metrics, in their order
};

// Creates dir and dir/points and records the identity in dir/sweep.json. A dir
// made by another spec or build: with `fresh`, its points and outputs are
// deleted; without, InputError says so.
void open_sweep_dir(const std::string& dir, const SweepIdentity& id, std::size_t runs, bool fresh);
// The identity a sweep directory records; InputError when it has none.
SweepIdentity read_sweep_identity(const std::string& dir);

std::string run_file(const std::string& dir, std::size_t run);
// A run's full results directory (--keep-runs): dir/runs/NNNNNN.
std::string run_results_dir(const std::string& dir, std::size_t run);
void write_run(const std::string& dir, const RunRecord& r, const SweepIdentity& id);
// The run's record, or nothing when it has not finished. InputError when the
// file belongs to another spec or build.
std::optional<RunRecord> read_run(const std::string& dir, std::size_t run, const SweepIdentity& id);

// The aggregate outputs, in the order they are renamed into place (sweep.csv
// last: its presence means the sweep is complete).
const std::vector<std::string>& sweep_outputs();

// Writes `text` to path through a temporary name in the same folder.
void write_atomically(const std::string& path, const std::string& text);

}  // namespace fleetsim::analysis
