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
  Resources request() const { return Resources{cpu_milli, memory_mib, gpus}; }
  // GPUs a node must set aside: a fractional pod still takes a whole GPU until
  // GPU sharing exists.
  std::int32_t whole_gpus() const { return gpus > 0 ? gpus : (gpu_milli > 0 ? 1 : 0); }
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

  std::int32_t total_gpus() const;
};

}  // namespace fleetsim::models
