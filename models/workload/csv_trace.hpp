#pragma once
// The plain CSV job trace (docs/trace-format.md): one row per job, columns by
// name. Required: job_id, submit, duration, gpus. Optional: pods, cpu_milli,
// memory_mib, gpu_milli, gpu_memory_mib, gpu_model, namespace, team,
// priority_class, labels, gpu_utilization, mig_profile, deadline (a time like
// submit: the job must finish by then). Resources are per pod.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "models/job.hpp"
#include "models/priority.hpp"

namespace fleetsim::models {

// Every column the format knows; any other column is an error.
const std::vector<std::string>& csv_trace_columns();

// Jobs sorted by submit time (stable: rows with equal times keep file order),
// ids first_id, first_id+1, ... in that order. `limit` > 0 reads only the first
// `limit` data rows. Throws InputError naming file:line: column for bad rows.
std::vector<Job> load_csv_trace(const std::string& path, const PriorityClasses& classes, JobId first_id,
                                std::size_t limit = 0);

// "k=v;k2=v2" (spaces around keys and values trimmed, empty items ignored).
// False when an item has no '=', an empty key or a key seen before.
bool parse_labels(const std::string& text, std::map<std::string, std::string>& out);

}  // namespace fleetsim::models
