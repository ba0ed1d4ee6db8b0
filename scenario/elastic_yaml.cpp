#include "scenario/elastic_yaml.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "util/input_error.hpp"

namespace fleetsim::scenario {

namespace {

constexpr int kMaxReplicas = 100000;  // as a shape's pod count
const char* kScalingForms = "linear, {amdahl: P} or {table: [[replicas, speedup], ...]}";

template <class T>
bool scalar_as(const YAML::Node& n, T& v) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// (replicas, speedup) points with replicas strictly increasing and speedups > 0.
models::ScalingCurve parse_table(const YAML::Node& list, const std::string& file, const std::string& field) {
  const char* what = "a non-empty list of [replicas, speedup] points";
  if (!list.IsSequence()) fail_at(list, file, field, what);
  if (list.size() == 0)
    throw InputError(where(file, line_of(list), field) + ": expected " + what + ", got an empty list");
  std::vector<std::pair<int, double>> points;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node pt = list[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (!pt.IsSequence() || pt.size() != 2) fail_at(pt, file, at, "a point [replicas, speedup]");
    int r = 0;
    double s = 0;
    if (!scalar_as(pt[0], r) || r < 1 || r > kMaxReplicas)
      fail_at(pt[0], file, at + "[0]", "a replica count in [1, " + std::to_string(kMaxReplicas) + "]");
    if (!points.empty() && r <= points.back().first)
      fail_at(pt[0], file, at + "[0]",
              "more replicas than the point before (" + std::to_string(points.back().first) + ")");
    if (!scalar_as(pt[1], s) || !std::isfinite(s) || s <= 0) fail_at(pt[1], file, at + "[1]", "a speedup > 0");
    points.emplace_back(r, s);
  }
  return models::ScalingCurve::table(std::move(points));
}

models::ScalingCurve parse_scaling(const Fields& e) {
  const YAML::Node n = e.node("scaling");
  const std::string field = e.field("scaling");
  if (n.IsScalar() && n.Scalar() == "linear") return models::ScalingCurve::linear();
  if (!n.IsMap()) fail_at(n, e.file(), field, kScalingForms);
  Fields f(n, e.file(), field, {"amdahl", "table"});
  if (f.has("amdahl") == f.has("table")) fail_at(n, e.file(), field, kScalingForms);
  if (f.has("amdahl")) return models::ScalingCurve::amdahl(f.number("amdahl", 0, 1));
  return parse_table(f.node("table"), e.file(), f.field("table"));
}

}  // namespace

models::ElasticSpec parse_elastic(const Fields& source) {
  Fields e(source.node("elastic"), source.file(), source.field("elastic"),
           {"min_replicas", "max_replicas", "max_restarts", "scaling", "rescale_pause"});
  models::ElasticSpec s;
  if (e.has("min_replicas")) s.min_replicas = static_cast<int>(e.integer("min_replicas", 1, kMaxReplicas));
  if (e.has("max_replicas")) s.max_replicas = static_cast<int>(e.integer("max_replicas", 1, kMaxReplicas));
  if (s.min_replicas && s.max_replicas && *s.max_replicas < *s.min_replicas)
    e.fail("max_replicas", "an integer at least min_replicas (" + std::to_string(*s.min_replicas) + ")");
  s.max_restarts = static_cast<int>(e.integer("max_restarts", 0, 1'000'000, 0));
  if (e.has("scaling")) s.scaling = parse_scaling(e);
  s.rescale_pause = e.duration("rescale_pause", models::kDefaultRescalePause);
  return s;
}

}  // namespace fleetsim::scenario
