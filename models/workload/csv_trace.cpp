#include "models/workload/csv_trace.hpp"

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "models/workload/priority_lookup.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::models {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

void check_header(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const auto& known = csv_trace_columns();
  for (const auto& c : split_csv_line(first))
    if (std::find(known.begin(), known.end(), c) == known.end())
      throw InputError(path + ":1: unknown column '" + c + "'" + did_you_mean(c, known) +
                       "; known columns: " + join(known, ","));
}

std::int32_t int32_in(const CsvReader& r, const std::string& column, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = lo == 0 ? r.non_negative_integer(column) : r.integer(column);
  if (v < lo || v > hi) r.fail(column, "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<std::int32_t>(v);
}

std::int64_t opt_non_negative(const CsvReader& r, const std::string& column, std::int64_t fallback) {
  return r.opt_str(column) ? r.non_negative_integer(column) : fallback;
}

}  // namespace

const std::vector<std::string>& csv_trace_columns() {
  static const std::vector<std::string> cols = {
      "job_id", "submit", "duration", "gpus", "pods", "cpu_milli", "memory_mib", "gpu_milli",
      "gpu_memory_mib", "gpu_model", "namespace", "team", "priority_class", "labels", "gpu_utilization", "mig_profile",
      "deadline"};
  return cols;
}

bool parse_labels(const std::string& text, std::map<std::string, std::string>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t semi = text.find(';', start);
    if (semi == std::string::npos) semi = text.size();
    std::string item = trim(text.substr(start, semi - start));
    start = semi + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) return false;
    std::string key = trim(item.substr(0, eq)), value = trim(item.substr(eq + 1));
    if (key.empty() || !out.emplace(key, value).second) return false;
  }
  return true;
}

std::vector<Job> load_csv_trace(const std::string& path, const PriorityClasses& classes, JobId first_id,
                                std::size_t limit) {
  CsvReader r(path);
  r.require({"job_id", "submit", "duration", "gpus"});
  check_header(path);
  std::vector<Job> jobs;
  std::unordered_map<std::string, int> seen;  // job_id -> line
  while ((limit == 0 || jobs.size() < limit) && r.next()) {
    Job job;
    job.name = r.str("job_id");
    if (job.name.empty()) r.fail("job_id", "a non-empty job id");
    auto [it, fresh] = seen.emplace(job.name, r.line());
    if (!fresh) r.fail("job_id", "a unique job id (also on line " + std::to_string(it->second) + ")");
    job.source = path + ":" + std::to_string(r.line());
    job.submit = r.duration("submit");
    job.duration = r.duration("duration");
    if (job.duration <= 0) r.fail("duration", "a positive duration such as 90s, 2h or a number of seconds");

    PodSpec pod;
    std::int32_t pods = r.opt_str("pods") ? int32_in(r, "pods", 1, 100000) : 1;
    pod.gpus = int32_in(r, "gpus", 0, 1 << 20);
    pod.cpu_milli = opt_non_negative(r, "cpu_milli", 1000);
    pod.memory_mib = opt_non_negative(r, "memory_mib", 4096);
    std::int32_t milli = r.opt_str("gpu_milli") ? int32_in(r, "gpu_milli", 0, 1000) : 0;
    if (milli > 0 && milli < 1000) {  // a share of one GPU
      if (pod.gpus > 1) r.fail("gpus", "0 or 1 for a GPU-sharing pod (gpu_milli " + std::to_string(milli) + ")");
      pod.gpus = 0;
      pod.gpu_milli = milli;
    }
    pod.gpu_memory_mib = opt_non_negative(r, "gpu_memory_mib", 0);
    pod.gpu_model = r.opt_str("gpu_model").value_or("");
    pod.mig_profile = r.opt_str("mig_profile").value_or("");
    if (!pod.mig_profile.empty() && (pod.gpus > 0 || pod.gpu_milli > 0))
      r.fail("mig_profile", "gpus 0 and no gpu_milli for a pod asking for a MIG instance (" + pod.mig_profile + ")");
    job.pods.assign(static_cast<std::size_t>(pods), pod);

    job.namespace_ = r.opt_str("namespace").value_or("default");
    job.team = r.opt_str("team").value_or("");
    std::string pc = r.opt_str("priority_class").value_or("");
    if (!apply_priority_class(job, classes, pc)) r.fail("priority_class", expected_priority_class(classes, pc));
    if (auto l = r.opt_str("labels"); l && !parse_labels(*l, job.labels))
      r.fail("labels", "key=value pairs separated by ';' with distinct non-empty keys");
    if (r.opt_str("gpu_utilization")) {
      job.gpu_utilization = r.number("gpu_utilization");
      if (!(job.gpu_utilization >= 0 && job.gpu_utilization <= 1)) r.fail("gpu_utilization", "a share in [0, 1]");
    }
    if (r.opt_str("deadline")) {  // a time like submit, not relative to it
      job.deadline = r.duration("deadline");
      if (job.deadline < job.submit) r.fail("deadline", "a time at or after submit (" + r.str("submit") + ")");
    }
    jobs.push_back(std::move(job));
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.submit < b.submit; });
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].id = first_id + static_cast<JobId>(i);
  return jobs;
}

}  // namespace fleetsim::models
