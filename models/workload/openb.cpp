#include "models/workload/openb.hpp"

#include <algorithm>

#include "models/workload/priority_lookup.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

namespace {

// pandas writes missing strings as "nan".
std::string text_or_empty(const CsvReader& r, const std::string& column) {
  auto s = r.opt_str(column);
  return !s || *s == "nan" || *s == "NaN" ? std::string() : *s;
}

bool has_time(const CsvReader& r, const std::string& column) {
  auto s = r.opt_str(column);
  return s && *s != "nan" && *s != "NaN";
}

}  // namespace

std::vector<OpenbNode> load_openb_nodes(const std::string& path) {
  CsvReader r(path);
  r.require({"sn", "cpu_milli", "memory_mib", "gpu", "model"});
  std::vector<OpenbNode> nodes;
  while (r.next()) {
    OpenbNode n;
    n.name = r.str("sn");
    if (n.name.empty()) r.fail("sn", "a node name");
    n.cpu_milli = r.non_negative_integer("cpu_milli");
    n.memory_mib = r.non_negative_integer("memory_mib");
    std::int64_t gpus = r.non_negative_integer("gpu");
    if (gpus > 1024) r.fail("gpu", "a GPU count in [0, 1024]");
    n.gpus = static_cast<int>(gpus);
    n.model = text_or_empty(r, "model");
    if (n.gpus > 0 && n.model.empty()) r.fail("model", "a GPU model for a node with GPUs");
    nodes.push_back(std::move(n));
  }
  return nodes;
}

// Times: submit = creation_time. The run time is deletion_time - scheduled_time:
// the wait from creation to scheduling was the production cluster's queueing,
// which the simulator models itself. Pods with no scheduled_time never ran
// (in the default trace these are exactly the 897 Pending pods); they are kept
// by default with duration = deletion_time - creation_time (how long they were
// wanted, the best stand-in for their unknown run time) and the label
// phase=Pending, or dropped with skip_pending. A scheduled_time of 0 on a pod
// created later is treated as missing. Running pods were cut off at the end of
// the trace: their deletion_time is the trace end.
std::vector<Job> load_openb_pods(const std::string& path, const OpenbPodOptions& options, JobId first_id,
                                 const PriorityClasses& classes) {
  CsvReader r(path);
  r.require({"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "qos", "pod_phase", "creation_time",
             "deletion_time", "scheduled_time"});
  for (const auto& [qos, pc] : options.priority_class_by_qos) {
    Job probe;
    if (!apply_priority_class(probe, classes, pc))
      throw InputError((options.where.empty() ? path + ": priority class for qos " + qos : options.where) +
                       ": expected " + expected_priority_class(classes, pc) + ", got '" + pc + "'");
  }
  std::vector<Job> jobs;
  while ((options.limit == 0 || jobs.size() < options.limit) && r.next()) {
    Job job;
    job.name = r.str("name");
    if (job.name.empty()) r.fail("name", "a pod name");
    job.source = path + ":" + std::to_string(r.line());
    const std::string phase = r.str("pod_phase");
    const std::string qos = text_or_empty(r, "qos");

    const std::int64_t created = r.non_negative_integer("creation_time");
    const std::int64_t deleted = r.non_negative_integer("deletion_time");
    if (deleted < created)
      r.fail("deletion_time", "a time at or after creation_time " + std::to_string(created));
    std::int64_t started = created;
    bool scheduled = false;
    if (has_time(r, "scheduled_time")) {
      std::int64_t s = r.non_negative_integer("scheduled_time");
      if (s > 0 || created == 0) {
        scheduled = true;
        started = s;
        if (deleted < s) r.fail("deletion_time", "a time at or after scheduled_time " + std::to_string(s));
      }
    }
    if (!scheduled && options.skip_pending) continue;
    job.submit = created * sim::kSecond;
    job.duration = (deleted - started) * sim::kSecond;
    if (job.duration == 0 && options.skip_zero_duration) continue;
    job.duration = std::max(job.duration, std::max<sim::SimTime>(options.min_duration, 1));

    PodSpec pod;
    pod.cpu_milli = r.non_negative_integer("cpu_milli");
    pod.memory_mib = r.non_negative_integer("memory_mib");
    std::int64_t gpus = r.non_negative_integer("num_gpu");
    if (gpus > 1024) r.fail("num_gpu", "a GPU count in [0, 1024]");
    // gpu_milli only means something for one-GPU pods: below 1000 it is a share
    // of one GPU (gpus 0, gpu_milli n), as PodSpec represents sharing.
    std::int64_t milli = r.opt_str("gpu_milli") ? r.non_negative_integer("gpu_milli") : 1000;
    if (gpus == 1 && milli > 0 && milli < 1000) {
      pod.gpus = 0;
      pod.gpu_milli = static_cast<std::int32_t>(milli);
    } else {
      pod.gpus = static_cast<std::int32_t>(gpus);
    }
    if (r.has("gpu_spec")) pod.gpu_model = text_or_empty(r, "gpu_spec");
    job.pods.push_back(pod);

    job.namespace_ = options.namespace_;
    job.team = qos;
    if (!qos.empty()) job.labels["qos"] = qos;
    if (!phase.empty()) job.labels["phase"] = phase;
    auto pc = options.priority_class_by_qos.find(qos);
    apply_priority_class(job, classes, pc == options.priority_class_by_qos.end() ? std::string() : pc->second);
    jobs.push_back(std::move(job));
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.submit < b.submit; });
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].id = first_id + static_cast<JobId>(i);
  return jobs;
}

}  // namespace fleetsim::models
