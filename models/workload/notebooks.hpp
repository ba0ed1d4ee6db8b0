#pragma once
// Interactive notebooks (JupyterHub-style single-user servers) that follow
// working hours. Each user, each working day, opens a notebook server around
// the start of working hours; the server is one pod holding its GPU while open.
// The user alternates active and idle periods (exponential lengths). The idle
// culler (jupyterhub-idle-culler, https://github.com/jupyterhub/jupyterhub-idle-culler)
// stops a server idle (last_activity) longer than its timeout, so an idle gap
// longer than the timeout ends the session at last activity + timeout; a user
// who comes back after a cull opens a new session (a new job). At the end of
// the working day the user closes the notebook with some probability; otherwise
// it idles until the culler ends it.
//
// Each session is one job whose duration is the session's length and whose
// gpu_utilization is its active share x busy_while_active. A session's length
// is drawn when it is submitted: if it waits for a GPU, its activity is not
// shifted (it still runs for its drawn length).
//
// Reproducibility: one Rng, draws in a fixed order (per working day, per user:
// start jitter, close-at-end, then active/idle periods until the day ends).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/job.hpp"
#include "models/priority.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

struct NotebookSpec {
  std::int32_t users = 1;
  PodSpec pod;  // the notebook server's pod (whole GPUs, gpu_milli or a MIG instance)
  // Working hours as times of day (0 <= start < end <= 24 h); day 0 starts at t = 0.
  sim::SimTime work_start = 9 * sim::kHour, work_end = 18 * sim::kHour;
  // Skip Saturdays and Sundays: day 0 is a Monday, so days 5 and 6 (mod 7).
  bool weekdays_only = true;
  // A user opens the notebook uniformly within +- start_jitter of work_start.
  sim::SimTime start_jitter = 30 * sim::kMinute;
  double active_mean_s = 20 * 60, idle_mean_s = 25 * 60;  // exponential period lengths
  double busy_while_active = 0.3;  // GPU utilization while the user is active
  sim::SimTime idle_timeout = sim::kHour;  // the culler's timeout
  double close_at_end_probability = 0.5;
  sim::SimTime until = 0;  // working days that begin (work_start) before this time
  std::string team, namespace_ = "default", priority_class;
  std::map<std::string, std::string> labels;  // added to every session
  std::string where;  // "file:line" of the source, recorded as Job::source
};

// One session of a notebook server: open to close, active time inside it.
struct NotebookSession {
  sim::SimTime open = 0, close = 0;
  sim::SimTime active = 0;  // time the user was active while it was open
  bool culled = false;      // ended by the idle culler (false: closed by the user)
};

// The sessions of one user's working day, a pure function of the drawn
// activity: `periods` alternate active, idle, active, ... from `open`, and
// must cover the day (their sum reaches `day_end` - `open`; extra is ignored).
// Activity stops at `day_end` (an active period is cut there). An idle gap
// longer than `idle_timeout` is culled at its start + idle_timeout and the next
// active period opens a new session; at day_end the user closes the open
// session when `close_at_end`, else it is culled at last activity + idle_timeout.
// Throws std::invalid_argument for open >= day_end, idle_timeout <= 0, a
// negative period or periods that end before day_end.
std::vector<NotebookSession> notebook_day_sessions(sim::SimTime open, sim::SimTime day_end,
                                                   const std::vector<sim::SimTime>& periods,
                                                   sim::SimTime idle_timeout, bool close_at_end);

// The days (index from 0) on which users open notebooks: work_start of the day
// before `until`, weekends skipped when weekdays_only.
std::vector<std::int64_t> notebook_working_days(const NotebookSpec& spec);

// Sessions of every user on every working day, ordered by open time, as jobs
// named "<source_name>-<n>", labelled workload_type=notebook, user=<source>-u<k>
// and ended_by=culler|user. Throws InputError for an undefined priority class,
// std::invalid_argument for a spec the YAML reader would have rejected.
std::vector<Job> generate_notebooks(const NotebookSpec& spec, sim::Rng& rng, const PriorityClasses& classes,
                                    JobId first_id, const std::string& source_name);

}  // namespace fleetsim::models
