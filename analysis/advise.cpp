#include "analysis/advise.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "analysis/allocation.hpp"
#include "models/mig.hpp"
#include "models/spot_advisor.hpp"

namespace fleetsim::analysis {

namespace {

std::string usd(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pct(double share) { return fixed(100 * share, 1) + "%"; }

std::string join(const std::set<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : ", ") + x;
  return out;
}

double run_hours(const world::RunResult& r) { return sim::to_seconds(r.end) / 3600.0; }

// Multiplies a cost over the run into a month of 730 hours.
double monthly(const world::RunResult& r, double usd_over_run) {
  const double h = run_hours(r);
  return h > 0 ? usd_over_run * scenario::kHoursPerMonth / h : 0;
}

// Inference: a label workload_type, kind or type of inference or serving, or a
// name that says so (infer..., serv...).
bool is_inference(const models::Job& j) {
  for (const char* key : {"workload_type", "kind", "type"}) {
    auto it = j.labels.find(key);
    if (it != j.labels.end() && (it->second == "inference" || it->second == "serving")) return true;
  }
  return j.name.find("infer") != std::string::npos || j.name.find("serv") != std::string::npos;
}

std::string advisor_path() {
  if (const char* d = std::getenv("FLEETSIM_DATA_DIR")) return std::string(d) + "/spot/advisor-buckets.csv";
  return std::string(FLEETSIM_SOURCE_DIR) + "/data/spot/advisor-buckets.csv";
}

void idle_gpu_nodes(const world::RunResult& r, const scenario::Scenario& s, const AdviseThresholds& t,
                    std::vector<Finding>& out) {
  const double run_s = sim::to_seconds(r.end);
  const auto& pools = r.cluster.pools();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const auto& pool = pools[p];
    if (pool.type == nullptr || pool.type->gpus <= 0 || run_s <= 0) continue;
    double provisioned = 0, allocated = 0, cost = 0, idle = 0, billed_h = 0;
    int nodes = 0;
    for (const auto& n : r.cluster.nodes()) {
      if (n.pool != p || n.launched == sim::kNever) continue;
      const auto& b = r.bills[n.id];
      provisioned += n.type->gpus * b.lifetime_s;
      allocated += b.allocated_gpu_seconds;
      cost += b.cost_usd;
      idle += b.idle_usd;
      billed_h += b.billed_s / 3600.0;
      ++nodes;
    }
    if (provisioned <= 0 || billed_h <= 0) continue;
    const double share = 1 - allocated / provisioned;
    const double idle_nodes = (provisioned - allocated) / (pool.type->gpus * run_s);
    if (share < t.idle_pool_share || idle_nodes < t.idle_whole_nodes) continue;
    const int k = static_cast<int>(std::floor(idle_nodes));
    const double price = cost / billed_h;
    Finding f;
    f.id = "idle-gpu-nodes";
    f.finding = "Pool " + pool.name + " (" + pool.type->name + ") keeps GPU nodes idle";
    f.evidence = std::to_string(nodes) + " node(s) of " + std::to_string(pool.type->gpus) + " GPUs: " +
                 fixed(provisioned / 3600, 1) + " GPU-h provisioned, " + fixed(allocated / 3600, 1) +
                 " GPU-h allocated to pods (" + pct(share) + " idle); idle cost " + usd(idle) + " of the pool's " +
                 usd(cost) + "; on average " + fixed(idle_nodes, 2) + " whole nodes were idle over the run's " +
                 fixed(run_s / 3600, 1) + " h";
    const bool fixed_pool = s.provisioning.name == "static";
    f.action = fixed_pool ? "Lower the pool's node count from " + std::to_string(pool.count) + " to " +
                                std::to_string(std::max(0, pool.count - k)) + " (cluster.pools: " + pool.name + ", count)"
                          : "Lower the pool's minimum size (min: " + std::to_string(pool.min) +
                                ") or let the provisioner remove idle nodes sooner, removing about " + std::to_string(k) +
                                " node(s) of idle capacity";
    f.monthly_saving_usd = k * price * scenario::kHoursPerMonth;
    f.risk = "Less headroom: jobs arriving in bursts wait for capacity (launch and boot) or queue longer; rerun the "
             "scenario with the change and compare queue-wait percentiles";
    f.rollback = "Restore the previous count/minimum; the nodes return after launch and boot";
    f.reviewer = "platform team";
    out.push_back(f);
  }
}

void gpus_requested_unused(const world::RunResult& r, const AdviseThresholds& t, std::vector<Finding>& out) {
  int jobs = 0;
  double saving = 0, gpu_h = 0, busy_h = 0, cost = 0;
  int held = 0, needed = 0;
  std::set<std::string> teams;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const auto& job = r.jobs[j];
    const auto& rc = r.records[j];
    const double u = job.gpu_utilization;
    if (u < 0 || u > t.unused_utilization || rc.cost_usd <= 0 || job.pods.empty()) continue;
    const int per_pod = job.pods[0].gpus;
    if (per_pod < 2) continue;
    const int need = std::max(1, static_cast<int>(std::ceil(per_pod * u - 1e-9)));
    if (need >= per_pod) continue;
    ++jobs;
    held += per_pod * static_cast<int>(job.pods.size());
    needed += need * static_cast<int>(job.pods.size());
    saving += rc.cost_usd * (1 - static_cast<double>(need) / per_pod);
    cost += rc.cost_usd;
    gpu_h += rc.gpu_seconds / 3600;
    busy_h += rc.gpu_seconds / 3600 * u;
    teams.insert(job.team.empty() ? "(no team)" : job.team);
  }
  if (jobs == 0) return;
  Finding f;
  f.id = "gpus-requested-unused";
  f.finding = "Jobs request more GPUs than they keep busy";
  f.evidence = std::to_string(jobs) + " job(s) of 2+ GPUs per pod (teams: " + join(teams) + ") held " +
               fixed(gpu_h, 1) + " GPU-h at a mean utilization of " + pct(gpu_h > 0 ? busy_h / gpu_h : 0) +
               " (at most " + pct(t.unused_utilization) + " each); they cost " + usd(cost) + " and their busy time fits " +
               std::to_string(needed) + " of their " + std::to_string(held) + " GPUs";
  f.action = "Lower these jobs' nvidia.com/gpu requests to ceil(GPUs x utilization) per pod (" +
             std::to_string(held) + " -> " + std::to_string(needed) + " GPUs in all)";
  f.monthly_saving_usd = monthly(r, saving);
  f.risk = "Utilization is an average: jobs with bursty or memory-bound phases may slow down or run out of GPU memory "
           "on fewer GPUs; data-parallel jobs may need their batch size or learning rate retuned";
  f.rollback = "Restore the previous GPU requests in the job specs";
  f.reviewer = "owning teams, with FinOps";
  out.push_back(f);
}

void inference_fits_mig(const world::RunResult& r, const AdviseThresholds& t, std::vector<Finding>& out) {
  std::map<std::string, int> by_profile;  // "A100-SXM4-40GB 1g.5gb" -> jobs
  int jobs = 0;
  double saving = 0, cost = 0, util_sum = 0;
  std::int64_t max_mem = 0;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const auto& job = r.jobs[j];
    const auto& rc = r.records[j];
    const double u = job.gpu_utilization;
    if (!is_inference(job) || u < 0 || u > t.mig_utilization || rc.cost_usd <= 0 || rc.nodes.empty()) continue;
    bool whole_single = !job.pods.empty();
    std::int64_t mem = 0;
    for (const auto& p : job.pods) {
      whole_single = whole_single && p.gpus == 1 && p.gpu_milli == 0 && p.mig_profile.empty();
      mem = std::max(mem, p.gpu_memory_mib);
    }
    if (!whole_single || mem <= 0) continue;  // GPU memory unknown: cannot tell what fits
    const auto& node = r.cluster.nodes()[rc.nodes[0]];
    if (r.cluster.pools()[node.pool].sharing.mode != models::SharingMode::none) continue;
    const models::MigGpu* gpu = models::mig_gpu_for(*node.type);
    if (gpu == nullptr) continue;
    // The smallest profile with enough compute slices for the utilization and
    // enough memory: 95% of its nominal size, as usable memory is a little less.
    const models::MigProfile* best = nullptr;
    for (const auto& prof : gpu->profiles) {
      if (prof.media_extensions) continue;
      if (static_cast<double>(prof.compute_slices) / models::kMigComputeSlices < u) continue;
      if (static_cast<double>(mem) > 0.95 * prof.memory_gb * 1024.0) continue;
      if (best == nullptr || prof.compute_slices < best->compute_slices ||
          (prof.compute_slices == best->compute_slices && prof.memory_gb < best->memory_gb))
        best = &prof;
    }
    if (best == nullptr || best->compute_slices >= models::kMigComputeSlices) continue;
    ++jobs;
    by_profile[std::string(gpu->name) + " " + std::string(best->name)]++;
    saving += rc.cost_usd * (1 - static_cast<double>(best->compute_slices) / models::kMigComputeSlices);
    cost += rc.cost_usd;
    util_sum += u;
    max_mem = std::max(max_mem, mem);
  }
  if (jobs == 0) return;
  std::string profiles;
  for (const auto& [k, n] : by_profile) profiles += (profiles.empty() ? "" : ", ") + k + " (" + std::to_string(n) + ")";
  Finding f;
  f.id = "inference-fits-mig";
  f.finding = "Inference holds whole GPUs that a MIG slice would serve";
  f.evidence = std::to_string(jobs) + " inference job(s) on whole MIG-capable GPUs averaged " +
               pct(util_sum / jobs) + " utilization and need at most " + std::to_string(max_mem) +
               " MiB of GPU memory; they cost " + usd(cost) + "; smallest fitting profiles: " + profiles;
  f.action = "Request nvidia.com/mig-<profile> instead of nvidia.com/gpu: 1 and partition the pool's GPUs with MIG "
             "(sharing: {mode: mig, strategy: mixed}); see docs/mig.md";
  f.monthly_saving_usd = monthly(r, saving);
  f.risk = "Fewer SMs per replica raise per-request latency and lower peak throughput; check p99 latency under peak "
           "load before rolling out, and keep headroom for traffic spikes";
  f.rollback = "Request nvidia.com/gpu: 1 again and remove the MIG layout (the GPUs are re-partitioned when drained)";
  f.reviewer = "service owners and platform team";
  out.push_back(f);
}

void training_tolerates_spot(const world::RunResult& r, std::vector<Finding>& out) {
  std::map<std::string, std::optional<std::pair<double, std::string>>> advisor;  // by type
  int jobs = 0;
  double saving = 0, cost = 0;
  std::set<std::string> types, buckets;
  sim::SimTime max_interval = 0;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const auto& job = r.jobs[j];
    const auto& rc = r.records[j];
    if (!job.checkpoint.checkpoints() || is_inference(job) || rc.cost_usd <= 0 || rc.nodes.empty()) continue;
    bool on_demand = true;
    for (auto n : rc.nodes) on_demand = on_demand && !r.bills[n].spot;
    if (!on_demand) continue;
    const auto& type = *r.cluster.nodes()[rc.nodes[0]].type;
    if (!advisor.count(type.name))
      advisor[type.name] = models::advisor_entry(advisor_path(), type.name, type.region.empty() ? "us-east-1" : type.region);
    const auto& entry = advisor[type.name];
    if (!entry) continue;  // no published spot discount for the type: no estimate
    ++jobs;
    saving += rc.cost_usd * entry->first;
    cost += rc.cost_usd;
    types.insert(type.name + " (" + pct(entry->first) + " off, interruptions " + entry->second + "/month)");
    max_interval = std::max(max_interval, job.checkpoint.interval);
  }
  if (jobs == 0) return;
  Finding f;
  f.id = "training-tolerates-spot";
  f.finding = "Checkpointing training runs on on-demand nodes";
  f.evidence = std::to_string(jobs) + " job(s) that checkpoint (every " + fixed(sim::to_seconds(max_interval) / 60, 0) +
               " min of work at most) ran only on on-demand nodes and cost " + usd(cost) +
               "; AWS Spot Instance Advisor (data/spot): " + join(types);
  f.action = "Run these jobs on a spot pool of the same instance type (capacity_type: spot), keeping on-demand as a "
             "fallback (Karpenter: both capacity types in the NodePool)";
  f.monthly_saving_usd = monthly(r, saving);
  f.risk = "Each interruption loses up to one checkpoint interval of work plus the restore, and spot capacity may be "
           "unavailable at times; rerun the scenario with the pool on spot to see goodput and lost GPU-hours";
  f.rollback = "Move the jobs back to the on-demand pool (node selector / NodePool capacity type)";
  f.reviewer = "ML platform team, with FinOps";
  out.push_back(f);
}

void scale_down_delay(const world::RunResult& r, const scenario::Scenario& s, const AdviseThresholds& t,
                      std::vector<Finding>& out) {
  double bill = 0;
  for (const auto& b : r.bills) bill += b.cost_usd;
  const auto& nodes = r.cluster.nodes();
  int removals = 0, reused = 0;
  double cost = 0;
  std::vector<double> windows;
  for (const auto& n : nodes) {
    // Removed by the provisioner before the end: not reclaimed by the provider
    // (spot), and it had become Ready.
    if (n.terminated == sim::kNever || n.terminated >= r.end || n.ready_at == sim::kNever || r.bills[n.id].reclaimed)
      continue;
    const sim::SimTime last_busy = n.pods_changed != sim::kNever ? std::max(n.pods_changed, n.ready_at) : n.ready_at;
    const sim::SimTime window = std::max<sim::SimTime>(0, n.terminated - last_busy);
    ++removals;
    windows.push_back(sim::to_seconds(window));
    cost += n.usd_per_hour * sim::to_seconds(window) / 3600.0;
    // Protected: a node of the same pool was asked for within as long after the
    // removal as the node had waited idle; a longer delay would have kept it.
    for (const auto& m : nodes)
      if (m.pool == n.pool && m.requested_at > n.terminated && m.requested_at <= n.terminated + window) {
        ++reused;
        break;
      }
  }
  if (removals == 0 || bill <= 0 || cost < t.scale_down_bill_share * bill ||
      static_cast<double>(reused) >= t.scale_down_reuse * removals)
    return;
  std::sort(windows.begin(), windows.end());
  const double median = windows[windows.size() / 2];
  std::string knob = "the provisioner's scale-down delay";
  if (s.provisioning.name == "cluster-autoscaler") {
    auto it = s.provisioning.params.find("scale_down_unneeded_time");
    knob = "scale_down_unneeded_time (--scale-down-unneeded-time, now " +
           (it == s.provisioning.params.end() ? std::string("10m, the default") : it->second) + ")";
  } else if (s.provisioning.name == "karpenter") {
    auto it = s.provisioning.params.find("consolidate_after");
    knob = "consolidate_after (NodePool disruption.consolidateAfter, now " +
           (it == s.provisioning.params.end() ? std::string("0s, the default") : it->second) + ")";
  }
  Finding f;
  f.id = "scale-down-delay";
  f.finding = "Nodes wait idle for the scale-down delay more than the delay saves";
  f.evidence = std::to_string(removals) + " node(s) were removed after idling a median " + fixed(median / 60, 1) +
               " min (longest " + fixed(windows.back() / 60, 1) + " min); that idle time cost " + usd(cost) + " (" +
               pct(cost / bill) + " of the bill); only " + std::to_string(reused) +
               " removal(s) were followed within that time by a new node in the same pool";
  f.action = "Halve " + knob + "; half of the idle-before-removal time is the expected saving";
  f.monthly_saving_usd = monthly(r, 0.5 * cost);
  f.risk = "More node churn: work that returns soon after a removal waits for a new node to launch and boot";
  f.rollback = "Restore the previous delay";
  f.reviewer = "platform team";
  out.push_back(f);
}

void unlabelled_spend(const world::RunResult& r, const AdviseThresholds& t, std::vector<Finding>& out) {
  double total = 0, unlabelled = 0;
  int jobs = 0;
  std::set<std::string> namespaces;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const double c = r.records[j].cost_usd;
    total += c;
    if (!r.jobs[j].team.empty() || c <= 0) continue;
    unlabelled += c;
    ++jobs;
    namespaces.insert(r.jobs[j].namespace_);
  }
  if (total <= 0 || unlabelled <= 0 || unlabelled < t.unlabelled_share * total) return;
  Finding f;
  f.id = "unlabelled-spend";
  f.finding = "Spend that no team owns";
  f.evidence = std::to_string(jobs) + " job(s) without a team were charged " + usd(unlabelled) + " (" +
               pct(unlabelled / total) + " of job spend), in namespace(s): " + join(namespaces) +
               "; allocation.csv shows them as " + kUnallocatedRow;
  f.action = "Give these workloads a team (and cost_center) label, and require it with an admission policy (e.g. a "
             "Kyverno or Gatekeeper required-labels rule) so new spend is attributable";
  f.monthly_saving_usd = 0;
  f.risk = "An enforcing policy rejects unlabelled workloads until their owners add labels; start in audit mode";
  f.rollback = "Switch the admission policy to audit (warn) mode";
  f.reviewer = "FinOps";
  out.push_back(f);
}

}  // namespace

std::vector<Finding> advise(const world::RunResult& r, const scenario::Scenario& s, const AdviseThresholds& t) {
  std::vector<Finding> out;
  idle_gpu_nodes(r, s, t, out);
  gpus_requested_unused(r, t, out);
  inference_fits_mig(r, t, out);
  training_tolerates_spot(r, out);
  scale_down_delay(r, s, t, out);
  unlabelled_spend(r, t, out);
  return out;
}

std::string advise_markdown(const std::vector<Finding>& fs, const world::RunResult& r) {
  double total = 0;
  for (const auto& f : fs) total += f.monthly_saving_usd;
  std::string md = "# Cost advice: " + r.scenario_name + " (seed " + std::to_string(r.seed) + ")\n\n";
  md += "Run of " + fixed(run_hours(r), 1) + " h; savings are scaled to a month of 730 h. " +
        std::to_string(fs.size()) + " finding(s), " + usd(total) + " a month in all.\n";
  if (fs.empty()) md += "\nNo findings: nothing crossed the thresholds in docs/cost.md.\n";
  int i = 0;
  for (const auto& f : fs) {
    md += "\n## " + std::to_string(++i) + ". " + f.finding + "\n\n";
    md += "| | |\n|---|---|\n";
    md += "| Finding | " + f.id + ": " + f.finding + " |\n";
    md += "| Evidence | " + f.evidence + " |\n";
    md += "| Action | " + f.action + " |\n";
    md += "| Expected monthly saving | " + usd(f.monthly_saving_usd) + " |\n";
    md += "| Risk | " + f.risk + " |\n";
    md += "| Rollback | " + f.rollback + " |\n";
    md += "| Reviewer | " + f.reviewer + " |\n";
  }
  return md;
}

std::string advise_json(const std::vector<Finding>& fs, const world::RunResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario_name;
  j["seed"] = r.seed;
  j["run_hours"] = run_hours(r);
  j["findings"] = nlohmann::ordered_json::array();
  double total = 0;
  for (const auto& f : fs) {
    j["findings"].push_back({{"id", f.id},
                             {"finding", f.finding},
                             {"evidence", f.evidence},
                             {"action", f.action},
                             {"monthly_saving_usd", f.monthly_saving_usd},
                             {"risk", f.risk},
                             {"rollback", f.rollback},
                             {"reviewer", f.reviewer}});
    total += f.monthly_saving_usd;
  }
  j["total_monthly_saving_usd"] = total;
  return j.dump(2) + "\n";
}

void write_advice(const std::string& dir, const std::vector<Finding>& f, const world::RunResult& r) {
  const std::filesystem::path d(dir);
  write_text_atomic((d / "advise.md").string(), advise_markdown(f, r));
  write_text_atomic((d / "advise.json").string(), advise_json(f, r));
}

}  // namespace fleetsim::analysis
