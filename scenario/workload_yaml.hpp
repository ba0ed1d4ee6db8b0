#pragma once
// The scenario's `workload:` section: a list of named sources, each synthetic,
// a plain CSV trace, an Alibaba openb pod list or interactive notebooks. Parsing checks every field
// (file:line: field: expected ..., got '...'); materialising generates and loads
// the jobs. docs/trace-format.md documents the trace files.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/job.hpp"
#include "models/priority.hpp"
#include "models/workload/notebooks.hpp"
#include "models/workload/openb.hpp"
#include "models/workload/synthetic.hpp"
#include "sim/rng.hpp"

namespace fleetsim::scenario {

struct CsvTraceSpec {
  std::string path;       // resolved against the scenario's directory
  std::size_t limit = 0;  // > 0: only the first `limit` rows
};

struct OpenbPodsSpec {
  std::string path;  // resolved against the scenario's directory
  models::OpenbPodOptions options;
};

struct WorkloadSource {
  std::string name;   // unique; synthetic sources draw from stream "workload/<name>"
  std::string where;  // "file:line" of the entry
  std::variant<models::SyntheticSpec, CsvTraceSpec, OpenbPodsSpec, models::NotebookSpec> spec;
  models::CheckpointPolicy checkpoint;  // applied to every job of the source
  std::optional<models::ElasticSpec> elastic;  // set: every job of the source is elastic
  // GPU utilization of the source's jobs: a fixed share, or uniform on [lo, hi],
  // drawn per job from stream "utilization/<name>". Unset: unknown (a CSV trace
  // may still give it per job in its gpu_utilization column).
  struct Utilization {
    double lo = 0, hi = 0;
  };
  std::optional<Utilization> gpu_utilization;
  // Extra run time of the source's jobs when their GPUs are split over PCIe or
  // nodes (`topology: {pcie_slowdown, cross_node_slowdown}`); none by default.
  models::TopologySensitivity topology;
  // `deadline:`: every job must finish by the first `at` time of day at or
  // after its submit, or `within` its submit; unset: no deadline (a CSV trace
  // may still give one per job in its deadline column).
  struct Deadline {
    std::optional<sim::SimTime> at;      // time of day, [0, 24h)
    std::optional<sim::SimTime> within;  // after submit, > 0
  };
  std::optional<Deadline> deadline;
};

// "HH:MM" or "HH:MM:SS" as a time since midnight; 24:00 only when allow_24
// (the end of a working day). nullopt when malformed.
std::optional<sim::SimTime> parse_time_of_day(const std::string& text, bool allow_24 = false);

// The first time at or after `t` whose time of day is `time_of_day` (days start
// at t = 0 = 00:00).
sim::SimTime next_time_of_day(sim::SimTime t, sim::SimTime time_of_day);

// `node` is the value of the `workload:` key of `file`; relative paths in it
// are resolved against `base_dir` (the scenario file's directory; "" = as given).
// Empirical duration samples are read here, so a bad sample file fails early.
// Throws InputError.
std::vector<WorkloadSource> parse_workload(const YAML::Node& node, const std::string& file,
                                           const std::string& base_dir);

// The RNG stream a synthetic or notebooks source draws from: "workload/<source name>".
std::string workload_stream_name(const std::string& source_name);

// Generates and loads every source, then orders all jobs by submit time (stable:
// ties keep source order, then each source's order) and numbers them 0..n-1.
// Throws InputError (bad trace rows, undefined priority classes).
std::vector<models::Job> materialize_workload(const std::vector<WorkloadSource>& sources,
                                              const sim::RngStreams& streams,
                                              const models::PriorityClasses& classes);

}  // namespace fleetsim::scenario
