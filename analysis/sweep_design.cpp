#include "analysis/sweep_design.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/rng.hpp"

namespace fleetsim::analysis {

std::string number_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::vector<std::string> SweepDesign::assignments(std::size_t p) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < paths.size(); ++i) out.push_back(paths[i] + "=" + points[p][i]);
  return out;
}

std::vector<std::vector<double>> latin_hypercube(std::size_t n, const std::vector<std::string>& stream_names,
                                                 std::uint64_t seed) {
  sim::RngStreams streams(seed);
  std::vector<std::vector<double>> u(n, std::vector<double>(stream_names.size()));
  for (std::size_t d = 0; d < stream_names.size(); ++d) {
    sim::Rng rng = streams.stream(stream_names[d]);
    std::vector<std::size_t> stratum(n);
    for (std::size_t k = 0; k < n; ++k) stratum[k] = k;
    for (std::size_t k = n; k > 1; --k) std::swap(stratum[k - 1], stratum[rng.below(k)]);  // Fisher-Yates
    for (std::size_t k = 0; k < n; ++k)
      u[k][d] = (static_cast<double>(stratum[k]) + rng.uniform01()) / static_cast<double>(n);
  }
  return u;
}

namespace {
// A parameter's value at unit coordinate u in [0, 1).
std::string value_at(const scenario::SweepParameter& p, double u) {
  if (!p.ranged) {
    const auto k = std::min(static_cast<std::size_t>(u * static_cast<double>(p.values.size())), p.values.size() - 1);
    return p.values[k];
  }
  if (p.integer) {
    const double span = p.hi - p.lo + 1;
    return number_text(std::min(p.lo + std::floor(u * span), p.hi));
  }
  return number_text(p.lo + u * (p.hi - p.lo));
}
}  // namespace

SweepDesign make_design(const scenario::SweepSpec& spec, std::uint64_t scenario_seed) {
  SweepDesign d;
  for (const auto& p : spec.parameters) d.paths.push_back(p.path);
  d.seeds = spec.seeds;
  for (std::size_t k = 0; k < spec.seed_count; ++k) d.seeds.push_back(scenario_seed + k);
  using K = scenario::SweepDesignKind;
  if (spec.design == K::grid) {
    d.points = {{}};
    for (const auto& p : spec.parameters) {
      std::vector<std::vector<std::string>> next;
      for (const auto& point : d.points)
        for (const auto& v : p.values) {
          next.push_back(point);
          next.back().push_back(v);
        }
      d.points = std::move(next);
    }
    if (!spec.baseline.empty())
      d.baseline =
          static_cast<std::size_t>(std::find(d.points.begin(), d.points.end(), spec.baseline) - d.points.begin());
    return d;
  }
  std::vector<std::vector<double>> u;
  if (spec.design == K::lhs) {
    std::vector<std::string> names;
    for (const auto& p : spec.parameters) names.push_back("sweep/lhs/" + p.path);
    u = latin_hypercube(spec.samples, names, spec.design_seed);
  } else {
    sim::RngStreams streams(spec.design_seed);
    u.assign(spec.samples, std::vector<double>(spec.parameters.size()));
    for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
      sim::Rng rng = streams.stream("sweep/random/" + spec.parameters[i].path);
      for (auto& row : u) row[i] = rng.uniform01();
    }
  }
  for (const auto& row : u) {
    std::vector<std::string> point;
    for (std::size_t i = 0; i < spec.parameters.size(); ++i) point.push_back(value_at(spec.parameters[i], row[i]));
    d.points.push_back(std::move(point));
  }
  return d;
}

}  // namespace fleetsim::analysis
