#include "analysis/results_dir.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "analysis/allocation.hpp"
#include "analysis/focus_export.hpp"
#include "analysis/h5_writer.hpp"
#include "analysis/purchases.hpp"
#include "analysis/service_outputs.hpp"
#include "util/csv.hpp"
#include "version.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {
ordered_json pct_json(const Percentiles& p) {
  return {{"count", p.count}, {"mean", p.mean}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

double seconds_or_nan(sim::SimTime t) {
  return t < 0 ? std::numeric_limits<double>::quiet_NaN() : sim::to_seconds(t);
}

std::string labels_text(const models::Job& j) {
  std::string out;
  for (const auto& [k, v] : j.labels) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

void write_h5(const std::string& path, const world::RunResult& r, const MemoryRecorder& rec) {
  H5File f(path);
  f.attribute(f.root(), "scenario", r.scenario_text);
  f.attribute(f.root(), "scenario_name", r.scenario_name);
  f.attribute(f.root(), "seed", static_cast<std::int64_t>(r.seed));
  f.attribute(f.root(), "fleetsim_version", FLEETSIM_VERSION);
  f.attribute(f.root(), "git_commit", FLEETSIM_GIT_COMMIT);

  const std::size_t n = r.jobs.size();
  std::vector<std::int64_t> id(n), prio(n), pods(n), gpus(n), preempt(n), evict(n);
  std::vector<std::int64_t> restarts(n), rescales(n), replicas(n), min_rep(n), max_rep(n), ooms(n);
  std::vector<double> lost(n), ckpt(n), pause(n), topo(n), deadline(n);
  std::vector<std::int64_t> missed(n);
  std::vector<double> submit(n), dur(n), start(n), end(n), wait(n), jct(n), gpu_s(n), cost(n);
  std::vector<std::string> name(n), ns(n), team(n), pclass(n), status(n), labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& j = r.jobs[i];
    const auto& rc = r.records[i];
    id[i] = j.id;
    name[i] = j.name;
    ns[i] = j.namespace_;
    team[i] = j.team;
    pclass[i] = j.priority_class;
    labels[i] = labels_text(j);
    prio[i] = j.priority;
    pods[i] = static_cast<std::int64_t>(j.pods.size());
    gpus[i] = j.total_gpus();
    submit[i] = sim::to_seconds(j.submit);
    dur[i] = sim::to_seconds(j.duration);
    status[i] = world::to_string(rc.status);
    start[i] = seconds_or_nan(rc.first_start);
    end[i] = seconds_or_nan(rc.end);
    wait[i] = rc.first_start < 0 ? std::nan("") : sim::to_seconds(rc.first_start - j.submit);
    jct[i] = rc.status != world::JobStatus::succeeded ? std::nan("") : sim::to_seconds(rc.end - j.submit);
    preempt[i] = rc.preemptions;
    evict[i] = rc.evictions;
    lost[i] = rc.lost_work_s;
    ckpt[i] = rc.checkpoint_overhead_s;
    pause[i] = rc.rescale_pause_s;
    restarts[i] = rc.restarts;
    rescales[i] = rc.rescales;
    replicas[i] = rc.replicas;
    min_rep[i] = j.elastic ? j.elastic->min_replicas : 0;
    max_rep[i] = j.elastic ? j.elastic->max_replicas : 0;
    gpu_s[i] = rc.gpu_seconds;
    cost[i] = rc.cost_usd;
    topo[i] = rc.topology_rate;
    ooms[i] = rc.oom_kills;
    deadline[i] = j.deadline == sim::kNever ? std::nan("") : sim::to_seconds(j.deadline);
    missed[i] = deadline_outcome(j, rc, r.end) == DeadlineOutcome::missed;
  }
  hid_t g = f.group("/jobs");
  f.column(g, "id", id);
  f.column(g, "name", name);
  f.column(g, "namespace", ns);
  f.column(g, "team", team);
  f.column(g, "labels", labels);
  f.column(g, "priority_class", pclass);
  f.column(g, "priority", prio);
  f.column(g, "pods", pods);
  f.column(g, "gpus", gpus, "GPUs");
  f.column(g, "submit_s", submit, "s");
  f.column(g, "duration_s", dur, "s");
  f.column(g, "status", status);
  f.column(g, "first_start_s", start, "s");
  f.column(g, "end_s", end, "s");
  f.column(g, "wait_s", wait, "s");
  f.column(g, "jct_s", jct, "s");
  f.column(g, "preemptions", preempt);
  f.column(g, "evictions", evict);
  f.column(g, "lost_work_s", lost, "s");
  f.column(g, "checkpoint_overhead_s", ckpt, "s");
  f.column(g, "min_replicas", min_rep);
  f.column(g, "max_replicas", max_rep);
  f.column(g, "replicas", replicas);
  f.column(g, "restarts", restarts);
  f.column(g, "rescales", rescales);
  f.column(g, "rescale_pause_s", pause, "s");
  f.column(g, "gpu_seconds", gpu_s, "GPU-s");
  f.column(g, "cost_usd", cost, "USD");
  f.column(g, "topology_rate", topo);
  f.column(g, "oom_kills", ooms);
  f.column(g, "deadline_s", deadline, "s");
  f.column(g, "deadline_missed", missed);
  write_services_h5(f, r.services);

  std::vector<std::int64_t> pjob, pidx, pcpu, pmem, pgpu, pmilli, pnode;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < r.jobs[i].pods.size(); ++k) {
      const auto& p = r.jobs[i].pods[k];
      pjob.push_back(r.jobs[i].id);
      pidx.push_back(static_cast<std::int64_t>(k));
      pcpu.push_back(p.cpu_milli);
      pmem.push_back(p.memory_mib);
      pgpu.push_back(p.gpus);
      pmilli.push_back(p.gpu_milli);
      const auto& nodes = r.records[i].nodes;
      pnode.push_back(k < nodes.size() ? static_cast<std::int64_t>(nodes[k]) : -1);
    }
  g = f.group("/pods");
  f.column(g, "job_id", pjob);
  f.column(g, "index", pidx);
  f.column(g, "cpu_milli", pcpu, "mCPU");
  f.column(g, "memory_mib", pmem, "MiB");
  f.column(g, "gpus", pgpu, "GPUs");
  f.column(g, "gpu_milli", pmilli, "milli-GPU");
  f.column(g, "node", pnode);

  const auto& nodes = r.cluster.nodes();
  std::vector<std::string> nname, npool, ntype, nmodel;
  std::vector<std::int64_t> ngpus;
  std::vector<double> price, life, billed, ncost, nalloc, nidle, ngs;
  for (const auto& nd : nodes) {
    const auto& b = r.bills[nd.id];
    nname.push_back(nd.name);
    npool.push_back(r.cluster.pools()[nd.pool].name);
    ntype.push_back(nd.type->name);
    nmodel.push_back(nd.type->gpu_model);
    ngpus.push_back(nd.allocatable.gpus);
    price.push_back(nd.usd_per_hour);
    life.push_back(b.lifetime_s);
    billed.push_back(b.billed_s);
    ncost.push_back(b.cost_usd);
    nalloc.push_back(b.allocated_usd);
    nidle.push_back(b.idle_usd);
    ngs.push_back(b.allocated_gpu_seconds);
  }
  g = f.group("/nodes");
  f.column(g, "name", nname);
  f.column(g, "pool", npool);
  f.column(g, "instance_type", ntype);
  f.column(g, "gpu_model", nmodel);
  f.column(g, "gpus", ngpus, "GPUs");
  f.column(g, "usd_per_hour", price, "USD/h");
  f.column(g, "lifetime_s", life, "s");
  f.column(g, "billed_s", billed, "s");
  f.column(g, "cost_usd", ncost, "USD");
  f.column(g, "allocated_usd", nalloc, "USD");
  f.column(g, "idle_usd", nidle, "USD");
  f.column(g, "allocated_gpu_seconds", ngs, "GPU-s");

  for (const auto& s : rec.all()) {
    hid_t ts = f.group("/timeseries/" + s.name);
    f.column(ts, "t_s", s.t_s, "s");
    f.column(ts, "value", s.value, s.unit);
  }
}

void write_jobs_csv(const std::string& path, const world::RunResult& r) {
  std::ofstream out(path);
  out.precision(17);
  out << "id,name,namespace,team,priority_class,priority,pods,gpus,submit_s,duration_s,status,first_start_s,end_s,"
         "wait_s,preemptions,evictions,lost_work_s,gpu_seconds,cost_usd,replicas,restarts,rescales,topology_rate,oom_kills,"
         "deadline_s,deadline_missed\n";
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& j = r.jobs[i];
    const auto& rc = r.records[i];
    out << j.id << ',' << csv_field(j.name) << ',' << csv_field(j.namespace_) << ',' << csv_field(j.team) << ','
        << csv_field(j.priority_class) << ',' << j.priority << ',' << j.pods.size() << ',' << j.total_gpus() << ','
        << sim::to_seconds(j.submit) << ',' << sim::to_seconds(j.duration) << ',' << world::to_string(rc.status)
        << ',';
    if (rc.first_start >= 0) out << sim::to_seconds(rc.first_start);
    out << ',';
    if (rc.end >= 0) out << sim::to_seconds(rc.end);
    out << ',';
    if (rc.first_start >= 0) out << sim::to_seconds(rc.first_start - j.submit);
    out << ',' << rc.preemptions << ',' << rc.evictions << ',' << rc.lost_work_s << ',' << rc.gpu_seconds << ','
        << rc.cost_usd << ',' << rc.replicas << ',' << rc.restarts << ',' << rc.rescales << ',' << rc.topology_rate << ',' << rc.oom_kills
        << ',';
    if (j.deadline != sim::kNever) out << sim::to_seconds(j.deadline);
    out << ',' << (deadline_outcome(j, rc, r.end) == DeadlineOutcome::missed) << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}
void write_nodes_csv(const std::string& path, const world::RunResult& r) {
  std::ofstream out(path);
  out.precision(17);
  out << "name,pool,instance_type,gpu_model,gpus,usd_per_hour,lifetime_s,billed_s,cost_usd,allocated_usd,idle_usd,"
         "allocated_gpu_seconds\n";
  for (const auto& n : r.cluster.nodes()) {
    const auto& b = r.bills[n.id];
    out << csv_field(n.name) << ',' << csv_field(r.cluster.pools()[n.pool].name) << ',' << csv_field(n.type->name)
        << ',' << csv_field(n.type->gpu_model) << ',' << n.allocatable.gpus << ',' << n.usd_per_hour << ','
        << b.lifetime_s << ',' << b.billed_s << ',' << b.cost_usd << ',' << b.allocated_usd << ',' << b.idle_usd
        << ',' << b.allocated_gpu_seconds << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}
}  // namespace

std::string summary_json(const Summary& s, const world::RunResult& r) {
  ordered_json j;
  j["scenario"] = s.scenario;
  j["seed"] = s.seed;
  j["fleetsim_version"] = FLEETSIM_VERSION;
  j["git_commit"] = FLEETSIM_GIT_COMMIT;
  j["simulated_s"] = s.simulated_s;
  j["horizon_s"] = r.horizon == sim::kNever ? ordered_json(nullptr) : ordered_json(sim::to_seconds(r.horizon));
  j["stopped_at_horizon"] = s.horizon_reached;
  j["events"] = s.events;
  j["jobs"] = {{"total", s.jobs_total},     {"arrived", s.jobs_arrived}, {"succeeded", s.jobs_succeeded},
               {"running", s.jobs_running}, {"queued", s.jobs_queued},   {"not_arrived", s.jobs_not_arrived},
               {"failed", s.jobs_failed},   {"elastic", s.elastic_jobs},
               {"elastic_restarts", s.elastic_restarts}, {"elastic_rescales", s.elastic_rescales},
               {"preemptions", s.preemptions},     {"evictions", s.evictions},
               {"spot_interruptions", s.interruptions}, {"oom_kills", s.oom_kills},
               {"mig_reconfigurations", s.mig_reconfigurations}};
  if (!s.services.empty()) j["services"] = services_json(s.services);
  if (s.deadlines.jobs > 0)
    j["deadlines"] = {{"jobs", s.deadlines.jobs},
                      {"met", s.deadlines.met},
                      {"missed", s.deadlines.missed},
                      {"open", s.deadlines.open}};
  if (s.notebooks.sessions > 0)
    j["notebooks"] = {{"sessions", s.notebooks.sessions},
                      {"culled", s.notebooks.culled},
                      {"gpu_hours", s.notebooks.gpu_hours},
                      {"idle_gpu_hours", s.notebooks.idle_gpu_hours}};
  j["queue_wait_s"] = pct_json(s.wait_s);
  j["completion_time_s"] = pct_json(s.jct_s);
  for (const auto& [team, p] : s.wait_s_by_team) j["queue_wait_s_by_team"][team] = pct_json(p);
  j["capacity"] = {{"nodes", s.nodes},
                   {"node_hours", s.node_hours},
                   {"gpus", s.gpus},
                   {"gpu_seconds_provisioned", s.gpu_seconds_provisioned},
                   {"gpu_seconds_allocated", s.gpu_seconds_allocated},
                   {"gpu_allocation", s.gpu_allocation},
                   {"goodput_gpu_hours", s.goodput_gpu_hours},
                   {"lost_gpu_hours", s.lost_gpu_hours},
                   {"checkpoint_gpu_hours", s.checkpoint_gpu_hours},
                   {"rescale_pause_gpu_hours", s.rescale_pause_gpu_hours},
                   {"boot_gpu_hours", s.boot_gpu_hours},
                   {"idle_gpu_hours", s.idle_gpu_hours}};
  auto usage_json = [](const analysis::Summary::Usage& u) {
    return nlohmann::json{{"provisioned_gpu_hours", u.provisioned_gpu_hours},
                          {"allocated_gpu_hours", u.allocated_gpu_hours},
                          {"utilization_known_gpu_hours", u.known_gpu_hours},
                          {"busy_gpu_hours", u.busy_gpu_hours}};
  };
  j["utilization"] = {{"gpu_utilization", s.gpu_utilization},
                      {"allocated_gpu_utilization", s.allocated_gpu_utilization},
                      {"known_share", s.utilization_known}};
  for (const auto& [pool, u] : s.usage_by_pool) j["utilization"]["by_pool"][pool] = usage_json(u);
  for (const auto& [team, u] : s.usage_by_team) j["utilization"]["by_team"][team] = usage_json(u);
  j["waits"] = {{"total_s", s.wait_total_s},
                {"for_provisioning_s", s.provisioning_wait_s},
                {"jobs_waited_for_nodes", s.jobs_waited_for_nodes}};
  j["cost_usd"] = {{"total", s.cost_total},
                   {"allocated_to_jobs", s.cost_allocated},
                   {"idle", s.cost_idle},
                   {"per_allocated_gpu_hour", s.cost_per_gpu_hour_used},
                   {"by_pool", s.cost_by_pool},
                   {"by_capacity_type", s.cost_by_capacity_type},
                   {"by_team", s.cost_by_team}};
  if (s.purchases)  // the bill with the scenario's commitments (docs/purchasing.md)
    j["purchases"] = {{"policy", s.purchases->policy},
                      {"price_book", s.purchases->price_book},
                      {"commitments", s.purchases->commitments},
                      {"cost_list_usd", s.purchases->list_usd},
                      {"cost_effective_usd", s.purchases->effective_usd},
                      {"commitment_unused_usd", s.purchases->unused_usd},
                      {"commitment_savings_usd", s.purchases->list_usd - s.purchases->effective_usd},
                      {"notes", s.purchases->notes}};
  return j.dump(2) + "\n";
}

void write_results(const std::string& dir, const world::RunResult& r, const Summary& s, const MemoryRecorder& rec) {
  const fs::path final_dir(dir);
  const fs::path tmp = final_dir.string() + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  write_h5((tmp / "run.h5").string(), r, rec);
  write_jobs_csv((tmp / "jobs.csv").string(), r);
  write_nodes_csv((tmp / "nodes.csv").string(), r);
  if (!r.services.empty()) write_services_csv((tmp / "services.csv").string(), r.services);
  write_usage_csv((tmp / "usage.csv").string(), usage_curve(r));
  if (s.purchases) write_purchases_csv((tmp / "purchases.csv").string(), *s.purchases);
  write_allocation_csv((tmp / "allocation.csv").string(), r);
  write_focus_csv((tmp / "focus.csv").string(), r);
  {
    std::ofstream sc(tmp / "scenario.yaml");
    sc << r.scenario_text;
  }
  {
    std::ofstream js(tmp / "summary.json");
    js << summary_json(s, r);
    if (!js) throw std::runtime_error("cannot write " + (tmp / "summary.json").string());
  }
  fs::remove_all(final_dir);
  fs::rename(tmp, final_dir);
}

}  // namespace fleetsim::analysis
