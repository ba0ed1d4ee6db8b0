#include "scenario/workload_yaml.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "models/workload/csv_trace.hpp"
#include "scenario/elastic_yaml.hpp"
#include "scenario/yaml_fields.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

namespace {

using models::DurationDistribution;
using models::SyntheticSpec;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string resolve(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (base_dir.empty() || p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

std::string at(const YAML::Node& n, const std::string& file, const std::string& field) {
  return where(file, line_of(n), field);
}

std::optional<double> parse_number(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  const std::string& s = n.Scalar();
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

double positive_number(const Fields& f, const std::string& key, double fallback) {
  if (!f.has(key)) return fallback;
  auto v = parse_number(f.node(key));
  if (!v || *v <= 0) f.fail(key, "a positive number");
  return *v;
}

sim::SimTime positive_duration(const Fields& f, const std::string& key) {
  sim::SimTime d = f.duration(key);
  if (d <= 0) f.fail(key, "a positive duration such as 90s, 10m, 4h, 30d");
  return d;
}

// Exactly n non-negative numbers, at least one positive.
std::vector<double> profile(const Fields& f, const std::string& key, std::size_t n) {
  const YAML::Node node = f.node(key);
  const std::string field = f.field(key), what = std::to_string(n) + " non-negative numbers";
  if (!node.IsSequence()) fail_at(node, f.file(), field, what);
  if (node.size() != n)
    throw InputError(at(node, f.file(), field) + ": expected " + what + ", got " + std::to_string(node.size()));
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    auto v = parse_number(node[i]);
    if (!v || *v < 0) fail_at(node[i], f.file(), field + "[" + std::to_string(i) + "]", "a non-negative number");
    out.push_back(*v);
  }
  if (*std::max_element(out.begin(), out.end()) <= 0)
    throw InputError(at(node, f.file(), field) + ": expected " + what + " with at least one positive, got all zeros");
  return out;
}

template <class Fn>
void each_item(const Fields& f, const std::string& key, const std::string& what, Fn fn) {
  const YAML::Node list = f.node(key);
  if (!list.IsSequence()) fail_at(list, f.file(), f.field(key), "a non-empty list of " + what);
  if (list.size() == 0)
    throw InputError(at(list, f.file(), f.field(key)) + ": expected a non-empty list of " + what + ", got an empty list");
  for (std::size_t i = 0; i < list.size(); ++i) fn(list[i], f.field(key) + "[" + std::to_string(i) + "]");
}

std::vector<double> empirical_samples(const std::string& path, const std::string& column) {
  CsvReader r(path);
  r.require({column});
  std::vector<double> out;
  while (r.next()) out.push_back(sim::to_seconds(r.duration(column)));
  if (out.empty()) throw InputError(path + ": column '" + column + "' has no rows (empirical durations need samples)");
  return out;
}

models::DurationSpec parse_duration_spec(const Fields& parent, const std::string& base_dir) {
  Fields f(parent.node("duration"), parent.file(), parent.field("duration"),
           {"distribution", "mean", "median", "sigma", "file", "column", "min", "max"});
  models::DurationSpec d;
  const std::string dist = f.str("distribution");
  std::vector<std::string> own;
  if (dist == "exponential") {
    d.distribution = DurationDistribution::exponential;
    d.mean_s = sim::to_seconds(positive_duration(f, "mean"));
    own = {"mean"};
  } else if (dist == "lognormal") {
    d.distribution = DurationDistribution::lognormal;
    d.median_s = sim::to_seconds(positive_duration(f, "median"));
    d.sigma = f.number("sigma", 0, 10);
    own = {"median", "sigma"};
  } else if (dist == "empirical") {
    d.distribution = DurationDistribution::empirical;
    d.samples_s = empirical_samples(resolve(base_dir, f.str("file")), f.str("column", "duration"));
    own = {"file", "column"};
  } else {
    f.one_of("distribution", {"exponential", "lognormal", "empirical"}, "");
  }
  for (const std::string k : {"mean", "median", "sigma", "file", "column"})
    if (f.has(k) && std::find(own.begin(), own.end(), k) == own.end())
      throw InputError(at(f.node(k), f.file(), f.field(k)) + ": not used by distribution " + dist +
                       " (it takes " + join(own, ", ") + ", min, max)");
  if (f.has("min")) d.min = f.duration("min");
  if (f.has("max")) d.max = positive_duration(f, "max");
  if (d.min && d.max && *d.min > *d.max) f.fail("max", "a duration at least min (" + f.str("min") + ")");
  return d;
}

models::SyntheticShape parse_shape(const YAML::Node& n, const std::string& file, const std::string& path) {
  Fields f(n, file, path,
           {"weight", "pods", "gpus_per_pod", "cpu_milli_per_pod", "memory_mib_per_pod", "gpu_memory_mib",
            "gpu_model", "gpu_milli", "mig_profile"});
  models::SyntheticShape s;
  s.weight = positive_number(f, "weight", 1.0);
  s.pods = static_cast<std::int32_t>(f.integer("pods", 1, 100000, 1));
  // Required unless the shape asks for a share of a GPU or a MIG instance instead.
  s.gpus_per_pod = static_cast<std::int32_t>(f.has("gpu_milli") || f.has("mig_profile")
                                                 ? f.integer("gpus_per_pod", 0, 1024, 0)
                                                 : f.integer("gpus_per_pod", 0, 1024));
  s.cpu_milli_per_pod = f.integer("cpu_milli_per_pod", 0, 1'000'000'000, 1000);
  s.memory_mib_per_pod = f.integer("memory_mib_per_pod", 0, 1'000'000'000'000, 4096);
  s.gpu_memory_mib = f.integer("gpu_memory_mib", 0, 1'000'000'000, 0);
  s.gpu_model = f.str("gpu_model", "");
  s.gpu_milli = static_cast<std::int32_t>(f.integer("gpu_milli", 1, 999, 0));
  s.mig_profile = f.str("mig_profile", "");
  const int asks = (s.gpus_per_pod > 0) + (s.gpu_milli > 0) + !s.mig_profile.empty();
  if (asks > 1)
    f.fail(f.has("mig_profile") ? "mig_profile" : "gpu_milli",
           "one GPU request per shape: gpus_per_pod (whole GPUs or replicas), gpu_milli (a share of one GPU) or "
           "mig_profile (one MIG instance)");
  return s;
}

models::SyntheticTeam parse_team(const YAML::Node& n, const std::string& file, const std::string& path) {
  Fields f(n, file, path, {"name", "weight", "namespace", "priority_class"});
  models::SyntheticTeam t;
  t.name = f.str("name");
  t.weight = positive_number(f, "weight", 1.0);
  t.namespace_ = f.str("namespace", t.name);
  t.priority_class = f.str("priority_class", "");
  t.where = at(f.has("priority_class") ? f.node("priority_class") : n, file, f.field("priority_class"));
  return t;
}

std::map<std::string, std::string> string_map(const Fields& f, const std::string& key, const std::string& what) {
  std::map<std::string, std::string> out;
  if (!f.has(key)) return out;
  const YAML::Node m = f.node(key);
  if (!m.IsMap()) fail_at(m, f.file(), f.field(key), "a mapping of " + what);
  for (auto it = m.begin(); it != m.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k.empty() || !it->second.IsScalar()) fail_at(it->second, f.file(), f.field(key) + "." + k, "a string value");
    out[k] = it->second.Scalar();
  }
  return out;
}

SyntheticSpec parse_synthetic(const Fields& src, const std::string& base_dir) {
  Fields f(src.node("synthetic"), src.file(), src.field("synthetic"),
           {"count", "until", "start", "arrivals", "duration", "shapes", "teams", "labels"});
  SyntheticSpec s;
  if (f.has("count")) s.count = f.integer("count", 1, models::kMaxSyntheticJobs);
  if (f.has("until")) s.until = positive_duration(f, "until");
  if (!s.count && !s.until)
    throw InputError(at(src.node("synthetic"), f.file(), f.path()) + ": expected count or until (or both), got neither");
  s.start = f.duration("start", 0);
  if (s.until && *s.until <= s.start) f.fail("until", "a time after start (" + sim::format_duration(s.start) + ")");

  Fields a(f.node("arrivals"), f.file(), f.field("arrivals"), {"rate", "daily", "weekly"});
  s.rate_per_s = a.rate_per_second("rate");
  if (!(s.rate_per_s > 0)) a.fail("rate", "a positive rate such as 30/h, 2/min or 0.5/s");
  if (a.has("daily")) s.daily = profile(a, "daily", 24);
  if (a.has("weekly")) s.weekly = profile(a, "weekly", 7);

  s.duration = parse_duration_spec(f, base_dir);
  each_item(f, "shapes", "job shapes",
            [&](const YAML::Node& n, const std::string& p) { s.shapes.push_back(parse_shape(n, f.file(), p)); });
  if (f.has("teams"))
    each_item(f, "teams", "teams",
              [&](const YAML::Node& n, const std::string& p) { s.teams.push_back(parse_team(n, f.file(), p)); });
  s.labels = string_map(f, "labels", "label names to values");
  return s;
}

// Working hours "HH:MM-HH:MM", start before end (both times of day; the end may be 24:00).
std::pair<sim::SimTime, sim::SimTime> working_hours(const Fields& f, const std::string& key) {
  const std::string text = f.str(key);
  const auto dash = text.find('-');
  std::optional<sim::SimTime> a, b;
  if (dash != std::string::npos) {
    a = parse_time_of_day(text.substr(0, dash));
    b = parse_time_of_day(text.substr(dash + 1), true);
  }
  if (!a || !b || *a >= *b) f.fail(key, "working hours HH:MM-HH:MM with the start before the end, such as 09:00-18:00");
  return {*a, *b};
}

models::NotebookSpec parse_notebooks(const Fields& src) {
  Fields f(src.node("notebooks"), src.file(), src.field("notebooks"),
           {"users", "until", "gpus", "gpu_milli", "mig_profile", "gpu_model", "gpu_memory_mib", "cpu_milli",
            "memory_mib", "working_hours", "weekdays_only", "start_jitter", "active", "idle", "busy_while_active",
            "idle_timeout", "close_at_end_probability", "team", "namespace", "priority_class", "labels"});
  models::NotebookSpec s;
  s.users = static_cast<std::int32_t>(f.integer("users", 1, 1'000'000));
  s.until = positive_duration(f, "until");
  s.pod.gpus = static_cast<std::int32_t>(f.has("gpu_milli") || f.has("mig_profile") ? f.integer("gpus", 0, 1024, 0)
                                                                                     : f.integer("gpus", 0, 1024, 1));
  s.pod.gpu_milli = static_cast<std::int32_t>(f.integer("gpu_milli", 1, 999, 0));
  s.pod.mig_profile = f.str("mig_profile", "");
  if ((s.pod.gpus > 0) + (s.pod.gpu_milli > 0) + !s.pod.mig_profile.empty() > 1)
    f.fail(f.has("mig_profile") ? "mig_profile" : "gpu_milli",
           "one GPU request per notebook: gpus (whole GPUs or replicas), gpu_milli (a share of one GPU) or "
           "mig_profile (one MIG instance)");
  s.pod.gpu_model = f.str("gpu_model", "");
  s.pod.gpu_memory_mib = f.integer("gpu_memory_mib", 0, 1'000'000'000, 0);
  s.pod.cpu_milli = f.integer("cpu_milli", 0, 1'000'000'000, 1000);
  s.pod.memory_mib = f.integer("memory_mib", 0, 1'000'000'000'000, 4096);
  if (f.has("working_hours")) std::tie(s.work_start, s.work_end) = working_hours(f, "working_hours");
  s.weekdays_only = f.boolean("weekdays_only", true);
  s.start_jitter = f.duration("start_jitter", 30 * sim::kMinute);
  if (s.start_jitter < 0 || s.start_jitter >= s.work_end - s.work_start)
    f.fail("start_jitter", "a duration shorter than the working hours (" +
                               (f.has("working_hours") ? f.str("working_hours") : std::string("09:00-18:00")) + ")");
  auto mean_of = [&](const std::string& key, double fallback_s) {
    if (!f.has(key)) return fallback_s;
    Fields p(f.node(key), f.file(), f.field(key), {"mean"});
    return sim::to_seconds(positive_duration(p, "mean"));
  };
  s.active_mean_s = mean_of("active", 20 * 60);
  s.idle_mean_s = mean_of("idle", 25 * 60);
  s.busy_while_active = f.number("busy_while_active", 0, 1, 0.3);
  s.idle_timeout = f.has("idle_timeout") ? positive_duration(f, "idle_timeout") : sim::kHour;
  s.close_at_end_probability = f.number("close_at_end_probability", 0, 1, 0.5);
  s.team = f.str("team", "");
  s.namespace_ = f.str("namespace", s.team.empty() ? "default" : s.team);
  s.priority_class = f.str("priority_class", "");
  s.labels = string_map(f, "labels", "label names to values");
  return s;
}

WorkloadSource::Deadline parse_deadline(const Fields& src) {
  const YAML::Node n = src.node("deadline");
  Fields f(n, src.file(), src.field("deadline"), {"at", "within"});
  if (f.has("at") == f.has("within"))
    throw InputError(at(n, f.file(), f.path()) + ": expected either at (a time of day such as 06:00) or within (a "
                     "duration after submit such as 8h), got " + (f.has("at") ? "both" : "neither"));
  WorkloadSource::Deadline d;
  if (f.has("at")) {
    d.at = parse_time_of_day(f.str("at"));
    if (!d.at) f.fail("at", "a time of day HH:MM such as 06:00");
  } else {
    d.within = positive_duration(f, "within");
  }
  return d;
}

// A trace path, resolved, that must name a readable file now so that
// `fleetsim validate` catches a wrong path with the YAML line.
std::string existing_file(const Fields& f, const std::string& key, const std::string& base_dir) {
  std::string path = resolve(base_dir, f.str(key));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    f.fail(key, "an existing file (looked for " + path + ")");
  return path;
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

WorkloadSource parse_source(const YAML::Node& n, const std::string& file, const std::string& path,
                            const std::string& base_dir) {
  const std::vector<std::string> kinds = {"synthetic", "csv", "openb_pods", "notebooks"};
  if (!n.IsMap()) fail_at(n, file, path, "a mapping with name and one of synthetic, csv, openb_pods, notebooks");
  std::vector<std::string> present;
  for (const auto& k : kinds)
    if (n[k].IsDefined()) present.push_back(k);
  if (present.size() != 1)
    throw InputError(at(n, file, path) + ": expected exactly one of synthetic, csv, openb_pods, notebooks, got " +
                     (present.empty() ? std::string("none") : join(present, " and ")));
  const std::string kind = present[0];
  // A notebook session's length and utilization come from its activity: no
  // checkpoints, elasticity, utilization override or deadline.
  std::vector<std::string> allowed = {"name", kind};
  if (kind != "notebooks")
    for (const char* k : {"checkpoint", "elastic", "gpu_utilization", "topology"}) allowed.push_back(k);
  if (kind == "csv" || kind == "openb_pods") allowed.push_back("limit");
  if (kind != "notebooks") allowed.push_back("deadline");
  if (kind == "openb_pods")
    for (const char* k : {"skip_pending", "skip_zero_duration", "min_duration", "namespace", "qos_priority_classes"})
      allowed.push_back(k);
  Fields f(n, file, path, allowed);

  WorkloadSource src;
  src.name = f.str("name");
  if (f.has("checkpoint")) {
    Fields c(f.node("checkpoint"), file, f.field("checkpoint"), {"interval", "write", "restore"});
    src.checkpoint.interval = c.duration("interval");
    if (src.checkpoint.interval <= 0) c.fail("interval", "a positive duration");
    src.checkpoint.write = c.duration("write", 0);
    src.checkpoint.restore = c.duration("restore", 0);
  }
  if (f.has("elastic")) src.elastic = parse_elastic(f);
  if (f.has("gpu_utilization")) {
    if (f.node("gpu_utilization").IsScalar()) {
      const double u = f.number("gpu_utilization", 0, 1);
      src.gpu_utilization = WorkloadSource::Utilization{u, u};
    } else {
      Fields u(f.node("gpu_utilization"), file, f.field("gpu_utilization"), {"distribution", "min", "max"});
      u.one_of("distribution", {"uniform"}, "uniform");
      const double lo = u.number("min", 0, 1), hi = u.number("max", 0, 1);
      if (hi < lo) u.fail("max", "a value >= min (" + std::to_string(lo) + ")");
      src.gpu_utilization = WorkloadSource::Utilization{lo, hi};
    }
  }
  if (f.has("topology")) {
    Fields t(f.node("topology"), file, f.field("topology"), {"pcie_slowdown", "cross_node_slowdown"});
    src.topology.pcie_slowdown = t.number("pcie_slowdown", 0, 100, 0);
    src.topology.cross_node_slowdown = t.number("cross_node_slowdown", 0, 100, 0);
  }
  if (f.has("deadline")) src.deadline = parse_deadline(f);
  if (!valid_name(src.name)) f.fail("name", "a name of letters, digits, '-', '_' or '.'");
  src.where = where(file, line_of(n), "");
  std::size_t limit = static_cast<std::size_t>(f.integer("limit", 1, std::numeric_limits<std::int64_t>::max(), 0));
  if (kind == "synthetic") {
    SyntheticSpec s = parse_synthetic(f, base_dir);
    s.where = src.where;
    src.spec = std::move(s);
  } else if (kind == "notebooks") {
    models::NotebookSpec s = parse_notebooks(f);
    s.where = src.where;
    src.spec = std::move(s);
  } else if (kind == "csv") {
    src.spec = CsvTraceSpec{existing_file(f, "csv", base_dir), limit};
  } else {
    OpenbPodsSpec o;
    o.path = existing_file(f, "openb_pods", base_dir);
    o.options.limit = limit;
    o.options.skip_pending = f.boolean("skip_pending", false);
    o.options.skip_zero_duration = f.boolean("skip_zero_duration", false);
    o.options.min_duration = f.duration("min_duration", sim::kSecond);
    o.options.namespace_ = f.str("namespace", "default");
    o.options.priority_class_by_qos = string_map(f, "qos_priority_classes", "qos classes to priority classes");
    if (f.has("qos_priority_classes"))
      o.options.where = at(f.node("qos_priority_classes"), file, f.field("qos_priority_classes"));
    src.spec = std::move(o);
  }
  return src;
}

}  // namespace

std::optional<sim::SimTime> parse_time_of_day(const std::string& text, bool allow_24) {
  // HH:MM or HH:MM:SS, two digits each.
  if (text.size() != 5 && text.size() != 8) return std::nullopt;
  int parts[3] = {0, 0, 0};
  for (std::size_t k = 0; k * 3 < text.size(); ++k) {
    const std::size_t i = k * 3;
    if (i > 0 && text[i - 1] != ':') return std::nullopt;
    if (!std::isdigit(static_cast<unsigned char>(text[i])) || !std::isdigit(static_cast<unsigned char>(text[i + 1])))
      return std::nullopt;
    parts[k] = (text[i] - '0') * 10 + (text[i + 1] - '0');
  }
  if (parts[1] > 59 || parts[2] > 59) return std::nullopt;
  const sim::SimTime t = parts[0] * sim::kHour + parts[1] * sim::kMinute + parts[2] * sim::kSecond;
  if (t > sim::kDay || (t == sim::kDay && !allow_24)) return std::nullopt;
  return t;
}

sim::SimTime next_time_of_day(sim::SimTime t, sim::SimTime time_of_day) {
  const sim::SimTime day = (t >= 0 ? t / sim::kDay : (t - sim::kDay + 1) / sim::kDay) * sim::kDay;
  const sim::SimTime c = day + time_of_day;
  return c >= t ? c : c + sim::kDay;
}

std::vector<WorkloadSource> parse_workload(const YAML::Node& node, const std::string& file,
                                           const std::string& base_dir) {
  const char* what = "a non-empty list of workload sources";
  if (!node.IsSequence()) fail_at(node, file, "workload", what);
  if (node.size() == 0) throw InputError(at(node, file, "workload") + ": expected " + what + ", got an empty list");
  std::vector<WorkloadSource> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "workload[" + std::to_string(i) + "]";
    out.push_back(parse_source(node[i], file, path, base_dir));
    if (!names.insert(out.back().name).second)
      fail_at(node[i]["name"], file, path + ".name", "a name not used by another source");
  }
  return out;
}

std::string workload_stream_name(const std::string& source_name) { return "workload/" + source_name; }

std::vector<models::Job> materialize_workload(const std::vector<WorkloadSource>& sources,
                                              const sim::RngStreams& streams,
                                              const models::PriorityClasses& classes) {
  std::vector<models::Job> all;
  for (const auto& src : sources) {
    std::vector<models::Job> jobs;
    if (const auto* s = std::get_if<SyntheticSpec>(&src.spec)) {
      sim::Rng rng = streams.stream(workload_stream_name(src.name));
      jobs = models::generate_synthetic(*s, rng, classes, 0, src.name);
    } else if (const auto* c = std::get_if<CsvTraceSpec>(&src.spec)) {
      jobs = models::load_csv_trace(c->path, classes, 0, c->limit);
    } else if (const auto* nb = std::get_if<models::NotebookSpec>(&src.spec)) {
      sim::Rng rng = streams.stream(workload_stream_name(src.name));
      jobs = models::generate_notebooks(*nb, rng, classes, 0, src.name);
    } else {
      const auto& o = std::get<OpenbPodsSpec>(src.spec);
      jobs = models::load_openb_pods(o.path, o.options, 0, classes);
    }
    for (auto& j : jobs) {
      j.checkpoint = src.checkpoint;
      j.topology = src.topology;
      if (src.elastic) models::make_elastic(j, *src.elastic);
    }
    if (src.deadline) {
      for (const auto& j : jobs)
        if (j.deadline != sim::kNever)
          throw InputError(src.where + ": deadline: the trace gives job '" + j.name + "' a deadline already (" + j.source +
                           "); expected one or the other");
      for (auto& j : jobs)
        j.deadline = src.deadline->at ? next_time_of_day(j.submit, *src.deadline->at) : j.submit + *src.deadline->within;
    }
    if (src.gpu_utilization) {
      if (!jobs.empty() && jobs.front().gpu_utilization >= 0)
        throw InputError(src.where + ": gpu_utilization: the trace gives each job's gpu_utilization already; "
                         "expected one or the other");
      sim::Rng rng = streams.stream("utilization/" + src.name);  // its own stream: other draws are unchanged
      for (auto& j : jobs) j.gpu_utilization = rng.uniform(src.gpu_utilization->lo, src.gpu_utilization->hi);
    }
    all.insert(all.end(), std::make_move_iterator(jobs.begin()), std::make_move_iterator(jobs.end()));
  }
  if (all.size() > std::numeric_limits<models::JobId>::max())
    throw InputError("workload: more jobs than fleetsim can number (" + std::to_string(all.size()) + ")");
  std::stable_sort(all.begin(), all.end(),
                   [](const models::Job& a, const models::Job& b) { return a.submit < b.submit; });
  for (std::size_t i = 0; i < all.size(); ++i) all[i].id = static_cast<models::JobId>(i);
  return all;
}

}  // namespace fleetsim::scenario
