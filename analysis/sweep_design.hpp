#pragma once
// The points of a sweep: a grid (every combination, first parameter slowest),
// random samples or a Latin hypercube. Draws come from named streams of the
// spec's seed ("sweep/<design>/<path>"), so adding a parameter never changes
// the values drawn for another. Every point runs every seed; run k is point
// k / seeds, seed k % seeds, so runs of one seed see the same arrivals at every
// point (common random numbers) unless a parameter changes the workload.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/sweep_spec.hpp"

namespace fleetsim::analysis {

struct SweepDesign {
  std::vector<std::string> paths;                // one per parameter
  std::vector<std::vector<std::string>> points;  // points[p][i]: value text of parameter i
  std::vector<std::uint64_t> seeds;
  std::optional<std::size_t> baseline;  // the point paired differences are taken against

  std::size_t runs() const { return points.size() * seeds.size(); }
  std::size_t point_of(std::size_t run) const { return run / seeds.size(); }
  std::uint64_t seed_of(std::size_t run) const { return seeds[run % seeds.size()]; }
  // "path=value" for each parameter of point p, as --set takes them.
  std::vector<std::string> assignments(std::size_t p) const;
};

// `scenario_seed` resolves `seeds: N` to scenario_seed, +1, ..., +N-1.
SweepDesign make_design(const scenario::SweepSpec& spec, std::uint64_t scenario_seed);

// Unit-interval coordinates of a Latin hypercube: n points in `dims` dimensions;
// in every dimension each stratum [k/n, (k+1)/n) holds exactly one point.
std::vector<std::vector<double>> latin_hypercube(std::size_t n, const std::vector<std::string>& stream_names,
                                                 std::uint64_t seed);

// Shortest text that reads back as the same double ("0.1", "12", "1e-05").
std::string number_text(double v);

}  // namespace fleetsim::analysis
