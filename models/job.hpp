#pragma once
// Jobs and their pods as submitted: the workload, independent of any policy.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/checkpoint.hpp"
#include "models/elastic.hpp"
#include "models/resources.hpp"
#include "models/topology_slowdown.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

using JobId = std::uint32_t;

struct PodSpec {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t gpus = 0;             // whole GPUs requested (nvidia.com/gpu)
  std::int32_t gpu_milli = 0;        // fraction of one GPU (Alibaba gpu_milli); 0 = whole GPUs
  std::int64_t gpu_memory_mib = 0;   // 0 = unspecified
  std::string gpu_model;             // "" = any model; "A|B" = either
  std::string mig_profile{};         // "1g.10gb": asks for nvidia.com/mig-1g.10gb (mixed strategy)
  Resources request() const { return Resources{cpu_milli, memory_mib, gpus}; }
  // GPUs it asks a device for: a fractional or MIG pod asks for one (a whole GPU
  // on a pool that does not share, a replica, share or instance on one that does).
  std::int32_t whole_gpus() const { return gpus > 0 ? gpus : (gpu_milli > 0 || !mig_profile.empty() ? 1 : 0); }
  bool accepts_model(const std::string& model) const;
};

struct Job {
  JobId id = 0;
  std::string name;
  std::string namespace_ = "default";
  std::string team;
  std::map<std::string, std::string> labels;
  std::string priority_class;  // "" = the global default (value 0 unless configured)
  std::int32_t priority = 0;
  bool preempts = true;  // preemptionPolicy PreemptLowerPriority (false = Never)
  sim::SimTime submit = 0;
  sim::SimTime duration = 0;  // work: run time once all pods are placed, without checkpoint pauses
  CheckpointPolicy checkpoint;  // none by default: an interrupted job starts over
  // Share of its GPUs' compute it actually keeps busy while running (DCGM's
  // GPU utilization, 0..1); negative = unknown.
  double gpu_utilization = -1;
  std::optional<ElasticPolicy> elastic;  // set: its pods are max_replicas workers, any min of them run
  std::vector<PodSpec> pods;
  std::string source;  // "file:line" it came from, for messages
  // A replica of an online service (its index in the scenario's services), or
  // -1: a replica runs until it is scaled down and is not counted as a job.
  std::int32_t service = -1;

  std::int32_t total_gpus() const;
  // Extra run time when its GPUs are split over PCIe or nodes; none by default.
  TopologySensitivity topology;
  // Must finish by this time (a batch inference deadline, docs/serving.md); kNever = none.
  sim::SimTime deadline = sim::kNever;
  // An interactive notebook session (models/workload/notebooks.hpp): the share of
  // its length the user was active (-1 = not a notebook), and whether the idle
  // culler ended it (false: the user closed it).
  double notebook_active_share = -1;
  bool culled = false;
};

}  // namespace fleetsim::models
