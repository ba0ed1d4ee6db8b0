#include "scenario/sweep_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "scenario/yaml_fields.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

namespace fs = std::filesystem;

namespace {

// A value as the text --set would take: scalars as written, lists and mappings
// in YAML flow style ("{mode: mig, layout: [1g.5gb]}").
std::string value_text(const YAML::Node& v) {
  if (v.IsNull()) return "null";
  if (v.IsScalar()) return v.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << v;
  return e.c_str();
}

SweepParameter parse_parameter(const YAML::Node& node, const std::string& file, const std::string& path,
                               SweepDesignKind design) {
  Fields f(node, file, path, {"path", "values", "range", "integer"});
  SweepParameter p;
  p.where = where(file, line_of(node), path);
  p.path = f.str("path");
  if (p.path.empty() || p.path.find('=') != std::string::npos || p.path == "seed")
    f.fail("path", p.path == "seed" ? "a scenario path other than seed (list seeds under seeds:)"
                                    : "a scenario path such as scheduler.placement or cluster.pools[0].count");
  if (f.has("values") == f.has("range"))
    f.fail(f.has("values") ? "range" : "values", "values: [...] or range: [lo, hi], one of the two");
  if (f.has("values")) {
    YAML::Node v = f.node("values");
    if (!v.IsSequence() || v.size() == 0) f.fail("values", "a non-empty list of values");
    for (const auto& item : v) p.values.push_back(value_text(item));
    if (f.has("integer")) f.fail("integer", "integer: only with range:");
    return p;
  }
  if (design == SweepDesignKind::grid)
    f.fail("range", "values: [...] (a grid lists its values; range: needs design: random or lhs)");
  YAML::Node r = f.node("range");
  if (!r.IsSequence() || r.size() != 2) f.fail("range", "[lo, hi]: two numbers");
  auto number = [&](const YAML::Node& n) {
    const std::string t = n.IsScalar() ? n.Scalar() : "";
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v))
      fail_at(n, file, f.field("range"), "[lo, hi]: two numbers");
    return v;
  };
  p.ranged = true;
  p.lo = number(r[0]);
  p.hi = number(r[1]);
  if (!(p.lo < p.hi)) fail_at(r, file, f.field("range"), "[lo, hi] with lo < hi");
  p.integer = f.boolean("integer", false);
  if (p.integer && (p.lo != static_cast<double>(static_cast<std::int64_t>(p.lo)) ||
                    p.hi != static_cast<double>(static_cast<std::int64_t>(p.hi))))
    fail_at(r, file, f.field("range"), "whole numbers at both ends (integer: true)");
  return p;
}

// baseline: {path: value, ...}: one value of each parameter's list.
void parse_baseline(const Fields& top, SweepSpec* s) {
  if (s->design != SweepDesignKind::grid)
    top.fail("baseline", "no baseline: with design: random or lhs (a grid point to compare with)");
  std::vector<std::string> paths;
  for (const auto& p : s->parameters) paths.push_back(p.path);
  const YAML::Node node = top.node("baseline");
  Fields b(node, top.file(), "baseline", paths);
  for (const auto& p : s->parameters) {
    const std::string v = value_text(b.node(p.path));
    if (std::find(p.values.begin(), p.values.end(), v) == p.values.end())
      b.fail(p.path, "one of the parameter's values (" + join(p.values, ", ") + ")");
    s->baseline.push_back(v);
  }
}

// sequential: {metric: NAME, half_width: X | relative: R, min_seeds: N}
void parse_sequential(const Fields& top, SweepSpec* s) {
  Fields q(top.node("sequential"), top.file(), "sequential", {"metric", "half_width", "relative", "min_seeds"});
  SweepSequential r;
  r.metric = q.str("metric");
  r.where = where(top.file(), line_of(q.node("metric")), q.field("metric"));
  if (q.has("half_width") == q.has("relative"))
    q.fail(q.has("relative") ? "relative" : "half_width",
           "half_width: (in the metric's unit) or relative:, one of the two");
  const double inf = std::numeric_limits<double>::infinity();
  if (q.has("half_width"))
    r.half_width = q.number("half_width", 1e-300, inf);
  else
    r.relative = q.number("relative", 1e-300, inf);
  const std::size_t seeds = s->seed_count ? s->seed_count : s->seeds.size();
  if (seeds < 2) top.fail("seeds", "at least 2 seeds with sequential: (the most a point may run)");
  r.min_seeds = static_cast<std::size_t>(q.integer("min_seeds", 2, static_cast<std::int64_t>(seeds),
                                                   std::min<std::int64_t>(3, static_cast<std::int64_t>(seeds))));
  s->sequential = r;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw InputError(where(file, e.mark.line + 1, "") + ": not valid YAML: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) throw InputError(file + ": the sweep spec is empty");
  Fields f(root, file, "",
           {"name", "scenario", "set", "design", "samples", "seed", "parameters", "baseline", "sequential", "seeds"});
  SweepSpec s;
  s.file = file;
  s.text = yaml_text;
  s.name = f.str("name", fs::path(file).stem().string());
  const std::string scenario = f.str("scenario");
  const fs::path base = fs::path(file).parent_path();
  s.scenario_path =
      fs::path(scenario).is_absolute() || base.empty() ? scenario : (base / scenario).lexically_normal().string();
  if (f.has("set")) {
    YAML::Node set = f.node("set");
    if (!set.IsSequence()) f.fail("set", "a list of path=value overrides");
    for (const auto& item : set) {
      if (!item.IsScalar() || item.Scalar().find('=') == std::string::npos)
        fail_at(item, file, "set", "path=value, e.g. workload[0].synthetic.count=50");
      s.sets.push_back(item.Scalar());
    }
  }
  const std::string design = f.one_of("design", {"grid", "random", "lhs"}, "grid");
  s.design = design == "grid"     ? SweepDesignKind::grid
             : design == "random" ? SweepDesignKind::random
                                  : SweepDesignKind::lhs;
  if (s.design == SweepDesignKind::grid) {
    if (f.has("samples")) f.fail("samples", "no samples: with design: grid (every combination runs)");
    if (f.has("seed")) f.fail("seed", "no seed: with design: grid (nothing is drawn; list run seeds under seeds:)");
  } else {
    s.samples = static_cast<std::size_t>(f.integer("samples", 1, 1000000));
    s.design_seed = static_cast<std::uint64_t>(f.integer("seed", 0, INT64_MAX, 1));
  }
  YAML::Node params = f.node("parameters");
  if (!params.IsSequence() || params.size() == 0) f.fail("parameters", "a non-empty list of parameters");
  std::set<std::string> paths;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string path = "parameters[" + std::to_string(i) + "]";
    s.parameters.push_back(parse_parameter(params[i], file, path, s.design));
    if (!paths.insert(s.parameters.back().path).second)
      fail_at(params[i]["path"], file, path + ".path", "a path not varied by another parameter");
  }
  if (f.has("baseline")) parse_baseline(f, &s);
  YAML::Node seeds = f.node("seeds");
  s.seeds_where = where(file, line_of(seeds), "seeds");
  if (seeds.IsSequence()) {
    if (seeds.size() == 0) f.fail("seeds", "a seed count or a non-empty list of seeds");
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      YAML::Node one(YAML::NodeType::Map);
      one["seed"] = seeds[i];
      try {
        s.seeds.push_back(static_cast<std::uint64_t>(Fields(one, file, "", {"seed"}).integer("seed", 0, INT64_MAX)));
      } catch (const InputError&) {
        fail_at(seeds[i], file, "seeds[" + std::to_string(i) + "]", "a seed: an integer >= 0");
      }
      if (!seen.insert(s.seeds.back()).second)
        fail_at(seeds[i], file, "seeds[" + std::to_string(i) + "]", "a seed not listed before");
    }
  } else {
    s.seed_count = static_cast<std::size_t>(f.integer("seeds", 1, 100000));
  }
  if (f.has("sequential")) parse_sequential(f, &s);
  return s;
}

SweepSpec load_sweep_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open sweep spec (does it exist?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_sweep_spec(ss.str(), path);
}

}  // namespace fleetsim::scenario
