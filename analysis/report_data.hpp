#pragma once
// What `fleetsim report` reads: a run directory (summary.json and run.h5, as
// `fleetsim run` writes them) or a sweep directory (sweep.csv, summary.csv and,
// with a baseline, paired.csv). Every missing or unreadable file is an
// InputError naming its path and what was expected.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fleetsim::analysis {

enum class ReportKind { run, sweep };

// Which kind of results directory `dir` is; InputError when it is neither.
ReportKind detect_report_kind(const std::string& dir);

struct StepSeries {
  std::string name;
  std::vector<double> t_s, value;  // the value holds from t_s[i] until t_s[i+1]
};

struct RunInputs {
  std::string dir;
  nlohmann::json summary;           // summary.json
  std::vector<StepSeries> series;   // /timeseries/*, in name order
  std::vector<double> wait_s;       // /jobs/wait_s of jobs that started
  std::vector<double> jct_s;        // /jobs/jct_s of jobs that succeeded
  std::vector<double> node_usd_per_hour, node_gpus;  // /nodes
  const StepSeries* find(const std::string& name) const;
};

RunInputs load_run_inputs(const std::string& dir);

// A CSV file as fleetsim writes it: optional '#' comment lines, a header row,
// rows of fields (double quotes around fields that hold commas).
struct CsvTable {
  std::string path, comment;  // comment: the first '#' line without its '#'
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Index of a column; InputError naming the file when it is missing.
  std::size_t column(const std::string& name) const;
};

CsvTable read_csv_table(const std::string& path);

struct SweepInputs {
  std::string dir;
  CsvTable runs;                   // sweep.csv
  CsvTable summary;                // summary.csv
  std::optional<CsvTable> paired;  // paired.csv, when the sweep has a baseline
};

SweepInputs load_sweep_inputs(const std::string& dir);

}  // namespace fleetsim::analysis
