#pragma once
// Synthetic workload: jobs arriving as a Poisson process, optionally shaped by a
// daily and a weekly profile, with a duration distribution, a weighted mix of
// job shapes and a weighted mix of teams.
//
// Reproducibility: only sim::Rng's own methods are used (no std:: distributions),
// and the draw order is fixed. The caller's Rng seeds three sub-streams, in this
// order: arrivals, shape+team, duration. Arrival times therefore depend only on
// the arrival settings, so two specs that differ only in shapes, teams or
// durations see the same arrival instants.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/job.hpp"
#include "models/priority.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

struct SyntheticShape {
  double weight = 1.0;
  std::int32_t pods = 1;
  std::int32_t gpus_per_pod = 0;
  std::int64_t cpu_milli_per_pod = 1000;
  std::int64_t memory_mib_per_pod = 4096;
  std::int64_t gpu_memory_mib = 0;  // 0 = unspecified
  std::string gpu_model;            // "" = any; "A|B" = either
  std::int32_t gpu_milli = 0;       // a share of one GPU (fractional sharing); 0 = none
  std::string mig_profile{};        // one MIG instance ("1g.10gb"); "" = none
};

struct SyntheticTeam {
  std::string name;
  double weight = 1.0;
  std::string namespace_;      // "" = the team's name
  std::string priority_class;  // "" = the global default
  std::string where;           // "file:line: field" of the team entry, for messages
};

enum class DurationDistribution { exponential, lognormal, empirical };

struct DurationSpec {
  DurationDistribution distribution = DurationDistribution::exponential;
  double mean_s = 3600;          // exponential
  double median_s = 3600;        // lognormal: mu = ln(median)
  double sigma = 1.0;            // lognormal
  std::vector<double> samples_s;  // empirical: drawn uniformly
  std::optional<sim::SimTime> min, max;  // clamps
};

struct SyntheticSpec {
  // Stop after `count` jobs or at the first arrival at or after `until`,
  // whichever comes first; at least one must be set.
  std::optional<std::int64_t> count;
  std::optional<sim::SimTime> until;
  sim::SimTime start = 0;  // no arrivals before this time
  double rate_per_s = 0;   // base rate, > 0
  // Rate at time t = rate_per_s * daily[hour of day] * weekly[day index mod 7],
  // where day 0 is the scenario's first day. Empty = flat. When given: 24 and 7
  // non-negative multipliers, at least one positive.
  std::vector<double> daily, weekly;
  DurationSpec duration;
  std::vector<SyntheticShape> shapes;  // at least one, positive weights
  std::vector<SyntheticTeam> teams;    // empty = one team "" in namespace "default"
  std::map<std::string, std::string> labels;  // added to every job
  std::string where;  // "file:line" of the source, recorded as Job::source
};

// Most jobs one synthetic source may produce (a guard against a typo in a rate).
inline constexpr std::int64_t kMaxSyntheticJobs = 10'000'000;

// Jobs named "<source_name>-<n>" (n from 0), ids first_id, first_id+1, ... in
// submit order. Throws InputError for an undefined priority class or too many
// jobs, std::invalid_argument for a spec the YAML reader would have rejected.
std::vector<Job> generate_synthetic(const SyntheticSpec& spec, sim::Rng& rng, const PriorityClasses& classes,
                                    JobId first_id, std::string source_name);

// The instantaneous arrival rate (jobs/s) at time t.
double synthetic_rate_at(const SyntheticSpec& spec, sim::SimTime t);

}  // namespace fleetsim::models
