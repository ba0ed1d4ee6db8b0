#include "analysis/service_outputs.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "analysis/terminal_summary.hpp"
#include "util/csv.hpp"

namespace fleetsim::analysis {

using world::ServiceResult;

namespace {

double failed(const ServiceResult& s) { return s.dropped + s.timed_out; }

// Request counts are fluid (real numbers): 5.18M, 2.9k, 12.
std::string human_count(double n) {
  char b[32];
  if (n >= 1e9) std::snprintf(b, sizeof b, "%.2fB", n / 1e9);
  else if (n >= 1e6) std::snprintf(b, sizeof b, "%.2fM", n / 1e6);
  else if (n >= 1e3) std::snprintf(b, sizeof b, "%.1fk", n / 1e3);
  else std::snprintf(b, sizeof b, "%.0f", n);
  return b;
}

std::string cold_starts(const ServiceResult& s) {
  if (s.cold_starts == 0) return "no cold starts";
  return std::to_string(s.cold_starts) + " cold start" + (s.cold_starts > 1 ? "s" : "") + " (mean " +
         human_duration(s.cold_start_s / s.cold_starts) + " to ready)";
}

// Latencies: milliseconds below a second.
std::string human_latency(double s) {
  if (s >= 1) return human_duration(s);
  char b[32];
  std::snprintf(b, sizeof b, s >= 0.01 ? "%.0fms" : "%.1fms", s * 1000);
  return b;
}

// One row of numbers per service, in the same order for CSV, HDF5 and JSON.
struct Column {
  const char* name;
  const char* unit;
  double (*get)(const ServiceResult&);
};
const Column kColumns[] = {
    {"arrived", "requests", [](const ServiceResult& s) { return s.arrived; }},
    {"served", "requests", [](const ServiceResult& s) { return s.served; }},
    {"dropped", "requests", [](const ServiceResult& s) { return s.dropped; }},
    {"timed_out", "requests", [](const ServiceResult& s) { return s.timed_out; }},
    {"queued_at_end", "requests", [](const ServiceResult& s) { return s.queued_end; }},
    {"served_after_queueing", "requests", [](const ServiceResult& s) { return s.served_after_queueing; }},
    {"latency_mean_s", "s", [](const ServiceResult& s) { return s.latency_mean_s; }},
    {"latency_p50_s", "s", [](const ServiceResult& s) { return s.latency_p50_s; }},
    {"latency_p95_s", "s", [](const ServiceResult& s) { return s.latency_p95_s; }},
    {"latency_p99_s", "s", [](const ServiceResult& s) { return s.latency_p99_s; }},
    {"slo_s", "s", [](const ServiceResult& s) { return s.slo_s; }},
    {"slo_attainment", "", [](const ServiceResult& s) { return s.slo_attainment; }},
    {"replicas_created", "", [](const ServiceResult& s) { return double(s.replicas_created); }},
    {"cold_starts", "", [](const ServiceResult& s) { return double(s.cold_starts); }},
    {"cold_start_s", "s", [](const ServiceResult& s) { return s.cold_start_s; }},
    {"pending_s", "s", [](const ServiceResult& s) { return s.pending_s; }},
    {"ready_replica_hours", "h", [](const ServiceResult& s) { return s.ready_replica_s / 3600; }},
    {"no_ready_replica_s", "s", [](const ServiceResult& s) { return s.no_ready_s; }},
    {"max_ready_replicas", "", [](const ServiceResult& s) { return double(s.max_ready); }},
    {"gpu_hours", "GPU-h", [](const ServiceResult& s) { return s.gpu_seconds / 3600; }},
    {"busy_gpu_hours", "GPU-h", [](const ServiceResult& s) { return s.busy_gpu_seconds / 3600; }},
    {"cost_usd", "USD", [](const ServiceResult& s) { return s.cost_usd; }},
    {"usd_per_million_requests", "USD", [](const ServiceResult& s) { return s.usd_per_million(); }},
};

}  // namespace

nlohmann::ordered_json services_json(const std::vector<ServiceResult>& services) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& s : services) {
    nlohmann::ordered_json j{{"name", s.name}, {"namespace", s.namespace_}, {"team", s.team}};
    for (const auto& c : kColumns) j[c.name] = c.get(s);
    out.push_back(std::move(j));
  }
  return out;
}

void print_services(std::ostream& out, const std::vector<ServiceResult>& services) {
  if (services.empty()) return;
  out << "  services\n";
  for (const auto& s : services) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "    %-14s %s requests: p50 %s, p99 %s, %.1f%% within the %s SLO; %s dropped or timed out\n"
                  "    %-14s %s, up to %d replicas, %.1f replica-hours; $%.2f, $%.2f per million requests\n",
                  s.name.c_str(), human_count(s.arrived).c_str(), human_latency(s.latency_p50_s).c_str(),
                  human_latency(s.latency_p99_s).c_str(), 100 * s.slo_attainment, human_latency(s.slo_s).c_str(),
                  human_count(failed(s)).c_str(), "", cold_starts(s).c_str(), s.max_ready,
                  s.ready_replica_s / 3600, s.cost_usd, s.usd_per_million());
    out << line;
  }
}

void write_services_csv(const std::string& path, const std::vector<ServiceResult>& services) {
  std::ofstream out(path);
  out.precision(17);
  out << "service,namespace,team";
  for (const auto& c : kColumns) out << ',' << c.name;
  out << '\n';
  for (const auto& s : services) {
    out << csv_field(s.name) << ',' << csv_field(s.namespace_) << ',' << csv_field(s.team);
    for (const auto& c : kColumns) out << ',' << c.get(s);
    out << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_services_h5(H5File& f, const std::vector<ServiceResult>& services) {
  if (services.empty()) return;
  const hid_t g = f.group("/services");
  std::vector<std::string> name, ns, team;
  for (const auto& s : services) {
    name.push_back(s.name);
    ns.push_back(s.namespace_);
    team.push_back(s.team);
  }
  f.column(g, "name", name);
  f.column(g, "namespace", ns);
  f.column(g, "team", team);
  for (const auto& c : kColumns) {
    std::vector<double> v;
    for (const auto& s : services) v.push_back(c.get(s));
    f.column(g, c.name, v, c.unit);
  }
}

void add_service_metrics(const std::vector<ServiceResult>& services,
                         std::vector<std::pair<std::string, double>>& m) {
  if (services.empty()) return;
  double served = 0, left = 0, within = 0, fails = 0, cost = 0, cold = 0, worst_p99 = 0;
  for (const auto& s : services) {
    served += s.served;
    left += s.served + failed(s);
    within += s.slo_attainment * (s.served + failed(s));
    fails += failed(s);
    cost += s.cost_usd;
    cold += s.cold_starts;
    worst_p99 = std::max(worst_p99, s.latency_p99_s);
  }
  m.emplace_back("requests_served", served);
  m.emplace_back("requests_failed", fails);
  m.emplace_back("slo_attainment", left > 0 ? within / left : 0);
  m.emplace_back("latency_p99_s_worst", worst_p99);
  m.emplace_back("cold_starts", cold);
  m.emplace_back("service_cost_usd", cost);
  m.emplace_back("usd_per_million_requests", served > 0 ? cost / served * 1e6 : 0);
  if (services.size() > 1)
    for (const auto& s : services) {
      m.emplace_back("slo_attainment[" + s.name + "]", s.slo_attainment);
      m.emplace_back("latency_p99_s[" + s.name + "]", s.latency_p99_s);
      m.emplace_back("usd_per_million_requests[" + s.name + "]", s.usd_per_million());
    }
}

}  // namespace fleetsim::analysis
