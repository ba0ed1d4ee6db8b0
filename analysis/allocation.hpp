#pragma once
// Cost allocation in the OpenCost model (opencost/opencost spec/opencost-specv01.md):
// each node's bill is split into GPU, CPU and memory parts; each pod is charged
// max(request, usage) of each resource for the time it ran; what no pod was
// charged is idle; fixed overhead outside the nodes' bill is added and shared.
// Totals: workloads + idle = the nodes' bill exactly (to rounding), plus overhead.
// docs/cost.md describes the model and what is simplified.
#include <string>
#include <vector>

#include "scenario/allocation_yaml.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

struct ResourceUsd {
  double gpu = 0, cpu = 0, memory = 0;
  double total() const { return gpu + cpu + memory; }
  ResourceUsd& operator+=(const ResourceUsd& o) {
    gpu += o.gpu;
    cpu += o.cpu;
    memory += o.memory;
    return *this;
  }
};

// OpenCost's default prices (opencost/opencost configs/default.json, "Default
// prices based on GCP us-central1"): USD per vCPU-hour, per GiB-hour of RAM and
// per GPU-hour. Only their ratio matters here (spec Appendix A).
inline constexpr double kOpenCostCpuHourly = 0.031611;
inline constexpr double kOpenCostRamGibHourly = 0.004237;
inline constexpr double kOpenCostGpuHourly = 0.95;

// The share of a node's price each resource carries: the instance's GPUs, vCPUs
// and GiB at OpenCost's default prices, normalised to sum to 1 (spec Appendix A:
// the ratio between input prices is held constant and scaled to the node's
// price). All zero for a type with no resources.
ResourceUsd price_weights(const models::InstanceType& t);

struct JobAllocation {
  ResourceUsd usd;             // what its pods were charged, by resource
  double held_s = 0;           // time its pods held their nodes (docs/cost.md: how it is estimated)
  double gpu_hours = 0, cpu_core_hours = 0, memory_gib_hours = 0;  // charged quantities
};

struct NodeAllocation {
  double bill_usd = 0;
  ResourceUsd weights;
  ResourceUsd allocated;
  ResourceUsd idle;
};

struct OverheadCharge {
  std::string name;
  double usd = 0;  // usd_per_hour x the run's hours
};

struct Allocation {
  double bill_usd = 0;   // Σ NodeBill::cost_usd
  double run_hours = 0;
  std::vector<JobAllocation> jobs;  // by job id
  std::vector<NodeAllocation> nodes;  // by node id
  ResourceUsd idle;
  std::vector<OverheadCharge> overhead;
  double overhead_usd() const;
  double workload_usd() const;
};

Allocation allocate(const world::RunResult& r, const scenario::AllocationSpec& spec);

// One group of an aggregation (a namespace, team or label value).
struct AllocationRow {
  std::string name;
  int jobs = 0;
  ResourceUsd workload;
  double idle_usd = 0;      // its share of idle (idle: shared), or the idle row's amount
  double overhead_usd = 0;
  double total_usd() const { return workload.total() + idle_usd + overhead_usd; }
};

// Names of the special rows.
inline constexpr const char* kIdleRow = "__idle__";
inline constexpr const char* kUnallocatedRow = "__unallocated__";  // jobs without the key (no team, no label)

// Groups jobs by "namespace", "team" or "label:KEY"; jobs with no value for the
// key form kUnallocatedRow. With idle separate, idle is its own row (kIdleRow);
// shared, it is spread over the groups in proportion to their workload cost.
// Overhead is split evenly over the groups or in proportion to their cost (with
// no groups, it joins the idle row). Rows sorted by total, largest first; the
// idle row last. Σ total_usd = bill + overhead. Throws InputError for a bad key.
std::vector<AllocationRow> aggregate(const world::RunResult& r, const Allocation& a, const std::string& by,
                                     scenario::IdleMode idle, scenario::OverheadSplit split);

// The group a job falls in for `by` ("" when it has no value).
std::string group_of(const models::Job& j, const std::string& by);

// allocation.csv: for each of namespace, team and every label key any job has,
// one row per group (aggregate,name,jobs,gpu_usd,cpu_usd,memory_usd,workload_usd,
// idle_usd,overhead_usd,total_usd); each aggregate's rows sum to the same total.
// Written to path + ".tmp" and renamed.
void write_allocation_csv(const std::string& path, const world::RunResult& r);

// A terminal table of the rows, with a total line.
std::string allocation_table(const std::vector<AllocationRow>& rows, const std::string& by);

}  // namespace fleetsim::analysis

namespace fleetsim::analysis {
// Writes `text` to path + ".tmp" and renames it to `path` (throws on failure).
void write_text_atomic(const std::string& path, const std::string& text);
}  // namespace fleetsim::analysis
