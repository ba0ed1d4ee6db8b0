#pragma once
// The Alibaba cluster-trace-gpu-v2023 "openb" CSV files (Weng et al., ATC'23):
// node lists (sn,cpu_milli,memory_mib,gpu,model) and pod lists
// (name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
// creation_time,deletion_time,scheduled_time; times in seconds).
// docs/trace-format.md, section "Alibaba openb", describes the mapping.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/job.hpp"
#include "models/priority.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

struct OpenbNode {
  std::string name;
  std::int64_t cpu_milli = 0, memory_mib = 0;
  int gpus = 0;
  std::string model;  // "" = CPU-only (the file writes "nan" or nothing)
};

std::vector<OpenbNode> load_openb_nodes(const std::string& path);

struct OpenbPodOptions {
  std::size_t limit = 0;            // > 0: stop after `limit` pods kept, in file order
  bool skip_pending = false;        // drop pods never scheduled (pod_phase Pending)
  bool skip_zero_duration = false;  // drop pods whose duration is 0 instead of raising it
  sim::SimTime min_duration = sim::kSecond;  // shorter durations are raised to this
  std::string namespace_ = "default";
  // qos -> PriorityClass name; a qos not listed gets the global default.
  std::map<std::string, std::string> priority_class_by_qos;
  std::string where;  // "file:line: field" of priority_class_by_qos, for messages
};

// One single-pod job per row, named after the pod, sorted by submit time
// (stable), ids first_id, first_id+1, ... Throws InputError naming the line for
// a bad row (deletion_time before creation_time or scheduled_time included).
std::vector<Job> load_openb_pods(const std::string& path, const OpenbPodOptions& options, JobId first_id,
                                 const PriorityClasses& classes = PriorityClasses{});

}  // namespace fleetsim::models
