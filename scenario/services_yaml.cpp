#include "scenario/services_yaml.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "policies/autoscaling/autoscaler.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {

namespace {

using models::serving::ReplicaModel;

std::vector<double> factors(const Fields& f, const std::string& key, std::size_t count) {
  const YAML::Node list = f.node(key);
  const std::string what = "a list of " + std::to_string(count) + " non-negative factors, not all 0";
  if (!list.IsSequence() || list.size() != count) fail_at(list, f.file(), f.field(key), what);
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) {
    double x = -1;
    if (!list[i].IsScalar() || !YAML::convert<double>::decode(list[i], x) || !(x >= 0))
      fail_at(list[i], f.file(), f.field(key) + "[" + std::to_string(i) + "]", "a non-negative number");
    out.push_back(x);
  }
  try {
    return models::serving::normalized_profile(std::move(out));
  } catch (const std::invalid_argument&) {
    fail_at(list, f.file(), f.field(key), what);
  }
}

std::vector<models::serving::RatePiece> rate_trace(const std::string& path) {
  CsvReader r(path);
  r.require({"time", "rate"});
  std::vector<models::serving::RatePiece> out;
  while (r.next()) {
    const sim::SimTime t = r.duration("time");
    if (out.empty() ? t != 0 : t <= out.back().start)
      r.fail("time", out.empty() ? "0 in the first row (the trace starts with the scenario)"
                                 : "a time after the previous row's");
    out.push_back({t, r.non_negative_number("rate")});
  }
  if (out.empty()) throw InputError(path + ": a rate trace needs at least one row (time,rate)");
  return out;
}

void parse_traffic(const Fields& parent, const std::string& base_dir, ServiceSpec& s) {
  Fields f(parent.node("traffic"), parent.file(), parent.field("traffic"), {"rate", "daily", "weekly", "trace", "arrivals", "burstiness"});
  auto& t = s.traffic;
  if (f.has("trace") == f.has("rate")) f.fail("rate", "exactly one of rate (a mean such as 200/s) or trace (a CSV file)");
  if (f.has("trace")) {
    if (f.has("daily") || f.has("weekly")) f.fail("trace", "no daily or weekly profile with a trace (it holds the rate)");
    const std::string p = f.str("trace");
    t.trace = rate_trace(p.empty() || std::filesystem::path(p).is_absolute() || base_dir.empty()
                             ? p
                             : (std::filesystem::path(base_dir) / p).lexically_normal().string());
  } else {
    t.mean_rate = f.rate_per_second("rate");
    if (f.has("daily")) t.daily = factors(f, "daily", 24);
    if (f.has("weekly")) t.weekly = factors(f, "weekly", 7);
  }
  const std::string arrivals = f.one_of("arrivals", {"poisson", "bursty"}, "poisson");
  if (arrivals == "bursty") t.arrival_scv = f.number("burstiness", 1, 1e6, 4);
  else if (f.has("burstiness")) f.fail("burstiness", "no burstiness with arrivals: poisson (set arrivals: bursty)");
}

void parse_model(const Fields& parent, ServiceSpec& s) {
  Fields f(parent.node("model"), parent.file(), parent.field("model"),
           {"kind", "service_time", "base", "per_item", "max_batch"});
  const std::string kind = f.one_of("kind", {"md1", "mm1", "batching"}, "md1");
  ReplicaModel& m = s.model;
  if (kind == "batching") {
    m.kind = ReplicaModel::Kind::batching;
    const sim::SimTime base = f.duration("base"), per_item = f.duration("per_item");
    if (base < 0) f.fail("base", "a duration >= 0");
    if (per_item <= 0) f.fail("per_item", "a positive duration (time one more request adds to a step)");
    const auto max_batch = f.integer("max_batch", 1, 100000);
    m.batch = models::serving::BatchCurve::linear_step(sim::to_seconds(base), sim::to_seconds(per_item),
                                                      static_cast<int>(max_batch));
    if (f.has("service_time")) f.fail("service_time", "no service_time with kind: batching (base and per_item set it)");
  } else {
    m.kind = kind == "mm1" ? ReplicaModel::Kind::mm1 : ReplicaModel::Kind::md1;
    const sim::SimTime st = f.duration("service_time");
    if (st <= 0) f.fail("service_time", "a positive duration");
    m.service_s = sim::to_seconds(st);
    for (const char* k : {"base", "per_item", "max_batch"})
      if (f.has(k)) f.fail(k, "only with kind: batching");
  }
}

void parse_replica(const Fields& parent, ServiceSpec& s) {
  Fields f(parent.node("replica"), parent.file(), parent.field("replica"),
           {"gpus", "gpu_milli", "mig_profile", "gpu_memory_mib", "gpu_model", "cpu_milli", "memory_mib",
            "gpu_busy_at_capacity", "model", "image_pull", "model_load"});
  models::PodSpec& p = s.pod;
  p.gpu_milli = static_cast<std::int32_t>(f.integer("gpu_milli", 1, 999, 0));
  p.mig_profile = f.str("mig_profile", "");
  p.gpus = static_cast<std::int32_t>(f.integer("gpus", 0, 1024, p.gpu_milli > 0 || !p.mig_profile.empty() ? 0 : 1));
  if ((p.gpus > 0) + (p.gpu_milli > 0) + !p.mig_profile.empty() > 1)
    f.fail(f.has("mig_profile") ? "mig_profile" : "gpu_milli", "one GPU request: gpus, gpu_milli or mig_profile");
  p.gpu_memory_mib = f.integer("gpu_memory_mib", 0, 1'000'000'000, 0);
  p.gpu_model = f.str("gpu_model", "");
  p.cpu_milli = f.integer("cpu_milli", 0, 1'000'000'000, 1000);
  p.memory_mib = f.integer("memory_mib", 0, 1'000'000'000'000, 4096);
  s.gpu_busy_at_capacity = f.number("gpu_busy_at_capacity", 0, 1, 1);
  s.image_pull = f.duration("image_pull", 0);
  s.model_load = f.duration("model_load", 0);
  if (s.image_pull < 0) f.fail("image_pull", "a duration >= 0");
  if (s.model_load < 0) f.fail("model_load", "a duration >= 0");
  parse_model(f, s);
}

std::vector<ServiceMetric> parse_metrics(const Fields& f) {
  std::vector<ServiceMetric> out;
  if (!f.has("metrics")) return {ServiceMetric{}};
  const YAML::Node list = f.node("metrics");
  if (!list.IsSequence() || list.size() == 0) fail_at(list, f.file(), f.field("metrics"), "a non-empty list of metrics");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields m(list[i], f.file(), f.field("metrics") + "[" + std::to_string(i) + "]", {"name", "target"});
    const std::string name = m.one_of("name", {"gpu_utilization", "requests_per_s", "queue_depth", "latency_ms"}, "");
    ServiceMetric sm;
    sm.name = name == "requests_per_s" ? ServiceMetric::Name::requests_per_s
              : name == "queue_depth"  ? ServiceMetric::Name::queue_depth
              : name == "latency_ms"   ? ServiceMetric::Name::latency_ms
                                       : ServiceMetric::Name::gpu_utilization;
    sm.target = m.number("target", 1e-9, 1e12);
    out.push_back(sm);
  }
  return out;
}

ServiceSpec parse_service(const YAML::Node& n, const std::string& file, const std::string& path,
                          const std::string& base_dir) {
  Fields f(n, file, path,
           {"name", "namespace", "team", "labels", "priority_class", "replica", "traffic", "queue", "slo", "replicas",
            "autoscaler", "metrics"});
  ServiceSpec s;
  s.name = f.str("name");
  s.where = file + ":" + std::to_string(line_of(n));
  s.namespace_ = f.str("namespace", "default");
  s.team = f.str("team", "");
  s.priority_class = f.str("priority_class", "");
  if (f.has("labels")) {
    const YAML::Node m = f.node("labels");
    if (!m.IsMap()) fail_at(m, file, f.field("labels"), "a mapping of label names to values");
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it->second.IsScalar()) fail_at(it->second, file, f.field("labels") + "." + it->first.Scalar(), "a string value");
      s.labels[it->first.Scalar()] = it->second.Scalar();
    }
  }
  parse_replica(f, s);
  parse_traffic(f, base_dir, s);
  if (f.has("queue")) {
    Fields q(f.node("queue"), file, f.field("queue"), {"cap", "timeout"});
    s.queue_cap = q.has("cap") ? q.number("cap", 0, 1e15) : s.queue_cap;
    s.timeout = q.duration("timeout", s.timeout);
    if (s.timeout <= 0) q.fail("timeout", "a positive duration");
  }
  s.slo = f.duration("slo", s.slo);
  if (s.slo <= 0) f.fail("slo", "a positive latency such as 500ms");
  s.replicas = static_cast<int>(f.integer("replicas", 0, 100000, 1));
  if (f.has("autoscaler")) s.autoscaler = parse_policy<policies::Autoscaler>(f, "autoscaler", "");
  s.metrics = parse_metrics(f);
  if (s.autoscaler) {
    // A rule-style autoscaler names the metric it reads: it must be observed.
    const auto it = s.autoscaler->params.find("metric");
    const auto* e = policies::AutoscalerRegistry::instance().find(s.autoscaler->name);
    std::string metric = it != s.autoscaler->params.end() ? it->second : "";
    if (metric.empty() && e)
      for (const auto& p : e->params)
        if (p.name == "metric") metric = p.default_value;
    std::string listed;
    for (const auto& m : s.metrics) listed += std::string(listed.empty() ? "" : ", ") + to_string(m.name);
    if (!metric.empty() && std::none_of(s.metrics.begin(), s.metrics.end(),
                                        [&](const ServiceMetric& m) { return to_string(m.name) == metric; })) {
      if (it != s.autoscaler->params.end())
        fail_at(f.node("autoscaler")["metric"], file, f.field("autoscaler") + ".metric",
                "one of the metrics listed in " + f.field("metrics") + " (" + listed + ")");
      throw InputError(file + ":" + std::to_string(line_of(f.node("autoscaler"))) + ": " + f.field("autoscaler") +
                       ": the " + s.autoscaler->name + " autoscaler reads " + metric + " by default, which " +
                       f.field("metrics") + " does not list (" + listed + "); list it or set metric:");
    }
  } else if (f.has("metrics")) {
    f.fail("metrics", "no metrics without an autoscaler (they are what it observes)");
  }
  return s;
}

}  // namespace

const char* to_string(ServiceMetric::Name n) {
  switch (n) {
    case ServiceMetric::Name::gpu_utilization: return "gpu_utilization";
    case ServiceMetric::Name::requests_per_s: return "requests_per_s";
    case ServiceMetric::Name::queue_depth: return "queue_depth";
    case ServiceMetric::Name::latency_ms: return "latency_ms";
  }
  return "?";
}

std::vector<ServiceSpec> parse_services(const YAML::Node& node, const std::string& file, const std::string& base_dir) {
  if (!node.IsSequence()) fail_at(node, file, "services", "a list of services");
  std::vector<ServiceSpec> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "services[" + std::to_string(i) + "]";
    out.push_back(parse_service(node[i], file, path, base_dir));
    if (!names.insert(out.back().name).second)
      fail_at(node[i]["name"], file, path + ".name", "a name no other service has");
  }
  return out;
}

}  // namespace fleetsim::scenario
