#include "analysis/allocation.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {

namespace {

// Resource-seconds a pod claims on a node: GPUs, CPU cores and GiB x seconds.
struct Claim {
  std::size_t job = 0;
  double gpu = 0, cpu = 0, memory = 0;
};

// How long a job's pods held their nodes. The run keeps each job's GPU-seconds
// over all attempts, so for GPU jobs held = GPU-seconds / the GPUs its pods
// are charged for on their (last) nodes; for jobs without GPUs, the span of
// its last attempt (from its last start to its end, or to the end of the run).
double held_seconds(const world::RunResult& r, std::size_t j) {
  const auto& job = r.jobs[j];
  const auto& rc = r.records[j];
  double share = 0;
  for (std::size_t i = 0; i < rc.nodes.size() && i < job.pods.size(); ++i)
    share += r.cluster.gpu_share(r.cluster.nodes()[rc.nodes[i]], job.pods[i]);
  if (share > 0 && rc.gpu_seconds > 0) return rc.gpu_seconds / share;
  if (rc.last_start < 0 || rc.nodes.empty()) return 0;
  const sim::SimTime until = rc.end >= 0 ? rc.end : r.end;
  return std::max(0.0, sim::to_seconds(until - rc.last_start));
}

}  // namespace

ResourceUsd price_weights(const models::InstanceType& t) {
  ResourceUsd w{kOpenCostGpuHourly * t.gpus, kOpenCostCpuHourly * t.vcpu, kOpenCostRamGibHourly * t.memory_gib};
  const double sum = w.total();
  if (sum <= 0) return {0, 1, 0};  // nothing to weigh by: the whole price is idle CPU
  return {w.gpu / sum, w.cpu / sum, w.memory / sum};
}

double Allocation::overhead_usd() const {
  double s = 0;
  for (const auto& o : overhead) s += o.usd;
  return s;
}

double Allocation::workload_usd() const {
  double s = 0;
  for (const auto& j : jobs) s += j.usd.total();
  return s;
}

Allocation allocate(const world::RunResult& r, const scenario::AllocationSpec& spec) {
  Allocation a;
  a.run_hours = sim::to_seconds(r.end) / 3600.0;
  const auto& nodes = r.cluster.nodes();
  a.jobs.resize(r.jobs.size());
  a.nodes.resize(nodes.size());
  std::vector<std::vector<Claim>> claims(nodes.size());
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const double held = held_seconds(r, j);
    a.jobs[j].held_s = held;
    if (held <= 0) continue;
    const auto& rc = r.records[j];
    for (std::size_t i = 0; i < rc.nodes.size() && i < r.jobs[j].pods.size(); ++i) {
      const auto& n = nodes[rc.nodes[i]];
      const auto& p = r.jobs[j].pods[i];
      // A pod cannot hold a node longer than the node was billed.
      const double t = std::min(held, r.bills[n.id].billed_s);
      // max(request, usage): CPU and memory usage are not simulated, and GPU
      // usage never exceeds the request (a job's gpu_utilization is a share of
      // the GPUs it holds), so the request is what is charged.
      Claim c{j, r.cluster.gpu_share(n, p) * t, static_cast<double>(p.cpu_milli) / 1000.0 * t,
              static_cast<double>(p.memory_mib) / 1024.0 * t};
      claims[n.id].push_back(c);
    }
  }
  for (const auto& n : nodes) {
    auto& na = a.nodes[n.id];
    const auto& b = r.bills[n.id];
    na.bill_usd = b.cost_usd;
    na.weights = price_weights(*n.type);
    a.bill_usd += b.cost_usd;
    const ResourceUsd pool{b.cost_usd * na.weights.gpu, b.cost_usd * na.weights.cpu, b.cost_usd * na.weights.memory};
    // Capacity in resource-seconds over the billed time; a resource's unit price
    // is its part of the bill over that capacity.
    const double cap_gpu = n.type->gpus * b.billed_s, cap_cpu = n.type->vcpu * b.billed_s,
                 cap_mem = n.type->memory_gib * b.billed_s;
    double sum_gpu = 0, sum_cpu = 0, sum_mem = 0;
    for (const auto& c : claims[n.id]) {
      sum_gpu += c.gpu;
      sum_cpu += c.cpu;
      sum_mem += c.memory;
    }
    // Rate per claimed resource-second: the unit price, scaled down when the
    // claims (estimated times) exceed the capacity so no node is over-allocated.
    auto rate = [](double part, double cap, double claimed) {
      if (cap <= 0 || claimed <= 0) return 0.0;
      return part / std::max(cap, claimed);
    };
    const double rg = rate(pool.gpu, cap_gpu, sum_gpu), rcpu = rate(pool.cpu, cap_cpu, sum_cpu),
                 rm = rate(pool.memory, cap_mem, sum_mem);
    for (const auto& c : claims[n.id]) {
      const ResourceUsd usd{c.gpu * rg, c.cpu * rcpu, c.memory * rm};
      a.jobs[c.job].usd += usd;
      na.allocated += usd;
      a.jobs[c.job].gpu_hours += c.gpu / 3600.0;
      a.jobs[c.job].cpu_core_hours += c.cpu / 3600.0;
      a.jobs[c.job].memory_gib_hours += c.memory / 3600.0;
    }
    na.idle = {pool.gpu - na.allocated.gpu, pool.cpu - na.allocated.cpu, pool.memory - na.allocated.memory};
    a.idle += na.idle;
  }
  for (const auto& o : spec.overhead) a.overhead.push_back({o.name, o.usd_per_hour * a.run_hours});
  return a;
}

std::string group_of(const models::Job& j, const std::string& by) {
  if (by == "namespace") return j.namespace_;
  if (by == "team") return j.team;
  if (by.rfind("label:", 0) == 0 && by.size() > 6) {
    auto it = j.labels.find(by.substr(6));
    return it == j.labels.end() ? "" : it->second;
  }
  throw InputError("--by " + by + ": expected team, namespace or label:KEY (e.g. label:cost_center)");
}

std::vector<AllocationRow> aggregate(const world::RunResult& r, const Allocation& a, const std::string& by,
                                     scenario::IdleMode idle, scenario::OverheadSplit split) {
  group_of(models::Job{}, by);  // validates `by`
  std::map<std::string, AllocationRow> groups;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    if (a.jobs[j].held_s <= 0) continue;
    std::string g = group_of(r.jobs[j], by);
    if (g.empty()) g = kUnallocatedRow;
    auto& row = groups[g];
    row.name = g;
    row.jobs++;
    row.workload += a.jobs[j].usd;
  }
  double workload = 0;
  for (const auto& [_, row] : groups) workload += row.workload.total();
  const double idle_usd = a.idle.total();
  AllocationRow idle_row{kIdleRow, 0, {}, 0, 0};
  if (idle == scenario::IdleMode::shared && workload > 0) {
    for (auto& [_, row] : groups) row.idle_usd = idle_usd * row.workload.total() / workload;
  } else {
    idle_row.idle_usd = idle_usd;
  }
  const double overhead = a.overhead_usd();
  if (groups.empty()) {
    idle_row.overhead_usd = overhead;
  } else if (split == scenario::OverheadSplit::even) {
    for (auto& [_, row] : groups) row.overhead_usd = overhead / static_cast<double>(groups.size());
  } else {
    double base = 0;
    for (const auto& [_, row] : groups) base += row.workload.total() + row.idle_usd;
    for (auto& [_, row] : groups)
      row.overhead_usd = base > 0 ? overhead * (row.workload.total() + row.idle_usd) / base
                                  : overhead / static_cast<double>(groups.size());
  }
  std::vector<AllocationRow> rows;
  for (auto& [_, row] : groups) rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const AllocationRow& x, const AllocationRow& y) { return x.total_usd() > y.total_usd(); });
  if (idle_row.total_usd() != 0 || groups.empty()) rows.push_back(idle_row);
  return rows;
}

void write_text_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

void write_allocation_csv(const std::string& path, const world::RunResult& r) {
  const auto spec = scenario::allocation_from_text(r.scenario_text, "scenario.yaml");
  const Allocation a = allocate(r, spec);
  std::vector<std::string> keys{"namespace", "team"};
  std::set<std::string> labels;
  for (const auto& j : r.jobs)
    for (const auto& [k, _] : j.labels) labels.insert(k);
  for (const auto& k : labels) keys.push_back("label:" + k);
  std::ostringstream out;
  out.precision(17);
  out << "aggregate,name,jobs,gpu_usd,cpu_usd,memory_usd,workload_usd,idle_usd,overhead_usd,total_usd\n";
  for (const auto& key : keys)
    for (const auto& row : aggregate(r, a, key, spec.idle, spec.overhead_split))
      out << csv_field(key) << ',' << csv_field(row.name) << ',' << row.jobs << ',' << row.workload.gpu << ','
          << row.workload.cpu << ',' << row.workload.memory << ',' << row.workload.total() << ',' << row.idle_usd
          << ',' << row.overhead_usd << ',' << row.total_usd() << '\n';
  write_text_atomic(path, out.str());
}

std::string allocation_table(const std::vector<AllocationRow>& rows, const std::string& by) {
  double total = 0;
  for (const auto& row : rows) total += row.total_usd();
  std::size_t w = by.size();
  for (const auto& row : rows) w = std::max(w, row.name.size());
  std::ostringstream out;
  char buf[256];
  auto line = [&](const std::string& name, const std::string& jobs, double g, double c, double m, double i, double o,
                  double t) {
    std::snprintf(buf, sizeof buf, "  %-*s %6s %12.2f %10.2f %10.2f %10.2f %10.2f %12.2f %6.1f%%\n",
                  static_cast<int>(w), name.c_str(), jobs.c_str(), g, c, m, i, o, t, total > 0 ? 100 * t / total : 0.0);
    out << buf;
  };
  std::snprintf(buf, sizeof buf, "  %-*s %6s %12s %10s %10s %10s %10s %12s %7s\n", static_cast<int>(w), by.c_str(),
                "jobs", "GPU $", "CPU $", "memory $", "idle $", "overhead $", "total $", "share");
  out << buf;
  ResourceUsd sum;
  double idle = 0, overhead = 0;
  int jobs = 0;
  for (const auto& row : rows) {
    line(row.name, row.name == kIdleRow ? "" : std::to_string(row.jobs), row.workload.gpu, row.workload.cpu,
         row.workload.memory, row.idle_usd, row.overhead_usd, row.total_usd());
    sum += row.workload;
    idle += row.idle_usd;
    overhead += row.overhead_usd;
    jobs += row.jobs;
  }
  line("total", std::to_string(jobs), sum.gpu, sum.cpu, sum.memory, idle, overhead, total);
  return out.str();
}

}  // namespace fleetsim::analysis
