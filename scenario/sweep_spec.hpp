#pragma once
// A sweep spec (docs/sweeps.md): a base scenario, parameters given as scenario
// paths (the syntax of --set) with the values each may take, a design (grid,
// random or Latin hypercube) and the seeds every point runs. Parsed and checked
// here; messages name the spec's file, line and field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fleetsim::scenario {

enum class SweepDesignKind { grid, random, lhs };

struct SweepParameter {
  std::string path;                 // "cluster.pools[0].count", as --set takes it
  std::vector<std::string> values;  // listed values, each as YAML text (grid; a choice in random/lhs)
  // A numeric range [lo, hi] (random and lhs only); integer: whole numbers, both ends included.
  bool ranged = false;
  double lo = 0, hi = 0;
  bool integer = false;
  std::string where;  // "spec.yaml:12: parameters[1]", for messages about its values
};

// Sequential seeding: each point runs seeds in order until the Student-t 95%
// half-width of `metric` over its seeds is at most `half_width` (absolute) or
// `relative` x |mean|, with at least `min_seeds` and at most all listed seeds.
struct SweepSequential {
  std::string metric;
  double half_width = 0, relative = 0;  // one of the two is > 0
  std::size_t min_seeds = 3;
  std::string where;  // "spec.yaml:9: sequential.metric", for messages
};

struct SweepSpec {
  std::string file;               // the spec's path
  std::string text;               // its content, as read
  std::string name;               // name:, default the file's stem
  std::string scenario_path;      // resolved against the spec's folder
  std::vector<std::string> sets;  // overrides applied to every point, path=value
  SweepDesignKind design = SweepDesignKind::grid;
  std::size_t samples = 0;        // random and lhs: points drawn
  std::uint64_t design_seed = 1;  // random and lhs: seed of the draws
  std::vector<SweepParameter> parameters;
  // Grid only, optional: the point other points are compared with, seed by seed
  // (paired differences), as one value text per parameter; empty: none.
  std::vector<std::string> baseline;
  std::optional<SweepSequential> sequential;
  std::vector<std::uint64_t> seeds;  // listed seeds, or empty with seed_count
  std::size_t seed_count = 0;        // seeds: N -> the scenario's seed, seed+1, ..., seed+N-1
  std::string seeds_where;           // for messages about the seeds
};

// Throws InputError (file:line: field: expected ..., got ...).
SweepSpec load_sweep_spec(const std::string& path);
SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& file);

}  // namespace fleetsim::scenario
