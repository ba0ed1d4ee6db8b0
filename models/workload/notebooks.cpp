#include "models/workload/notebooks.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/workload/priority_lookup.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

namespace {

void check_spec(const NotebookSpec& s) {
  if (s.users < 1) throw std::invalid_argument("notebooks: users must be >= 1");
  if (!(s.work_start >= 0 && s.work_start < s.work_end && s.work_end <= sim::kDay))
    throw std::invalid_argument("notebooks: working hours must satisfy 0 <= start < end <= 24h");
  if (s.start_jitter < 0 || s.start_jitter >= s.work_end - s.work_start)
    throw std::invalid_argument("notebooks: start_jitter must be in [0, working hours)");
  if (!(s.active_mean_s > 0) || !(s.idle_mean_s > 0)) throw std::invalid_argument("notebooks: period means must be > 0");
  if (!(s.busy_while_active >= 0 && s.busy_while_active <= 1))
    throw std::invalid_argument("notebooks: busy_while_active must be in [0, 1]");
  if (s.idle_timeout <= 0) throw std::invalid_argument("notebooks: idle_timeout must be > 0");
  if (!(s.close_at_end_probability >= 0 && s.close_at_end_probability <= 1))
    throw std::invalid_argument("notebooks: close_at_end_probability must be in [0, 1]");
  if (s.until <= 0) throw std::invalid_argument("notebooks: until must be > 0");
}

sim::SimTime draw_period(sim::Rng& rng, double mean_s) {
  return sim::from_seconds(std::min(rng.exponential(mean_s), 9.0e12));
}

}  // namespace

std::vector<NotebookSession> notebook_day_sessions(sim::SimTime open, sim::SimTime day_end,
                                                   const std::vector<sim::SimTime>& periods,
                                                   sim::SimTime idle_timeout, bool close_at_end) {
  if (open >= day_end) throw std::invalid_argument("notebook_day_sessions: open must be before day_end");
  if (idle_timeout <= 0) throw std::invalid_argument("notebook_day_sessions: idle_timeout must be > 0");
  std::vector<NotebookSession> out;
  NotebookSession cur{open, open, 0, false};
  sim::SimTime t = open;     // now: the end of the last active period
  sim::SimTime last = open;  // last activity of the session open at the end of the day
  std::size_t i = 0;
  auto next = [&]() {
    if (i >= periods.size()) throw std::invalid_argument("notebook_day_sessions: periods end before day_end");
    const sim::SimTime p = periods[i++];
    if (p < 0) throw std::invalid_argument("notebook_day_sessions: negative period");
    return p;
  };
  for (;;) {
    const sim::SimTime active_end = std::min(t + next(), day_end);
    cur.active += active_end - t;
    t = active_end;
    if (t >= day_end) {  // the day ends while the user works
      last = day_end;
      break;
    }
    const sim::SimTime gap = next();
    if (t + gap >= day_end) {  // the day ends during this idle gap: the user does not come back
      last = t;
      break;
    }
    if (gap > idle_timeout) {  // culled, and a new session when the user comes back
      cur.close = t + idle_timeout;
      cur.culled = true;
      out.push_back(cur);
      cur = NotebookSession{t + gap, t + gap, 0, false};
    }
    t += gap;
  }
  // End of the working day. The culler may end the session before the user
  // leaves (its idle gap already exceeds the timeout at day_end).
  if (last + idle_timeout < day_end || !close_at_end) {
    cur.close = last + idle_timeout;
    cur.culled = true;
  } else {
    cur.close = day_end;
    cur.culled = false;
  }
  out.push_back(cur);
  return out;
}

std::vector<std::int64_t> notebook_working_days(const NotebookSpec& spec) {
  std::vector<std::int64_t> days;
  for (std::int64_t d = 0; d * sim::kDay + spec.work_start < spec.until; ++d) {
    if (spec.weekdays_only && d % 7 >= 5) continue;  // day 0 is a Monday
    days.push_back(d);
  }
  return days;
}

std::vector<Job> generate_notebooks(const NotebookSpec& spec, sim::Rng& rng, const PriorityClasses& classes,
                                    JobId first_id, const std::string& source_name) {
  check_spec(spec);
  Job tmpl;
  if (!apply_priority_class(tmpl, classes, spec.priority_class))
    throw InputError((spec.where.empty() ? "notebooks source " + source_name : spec.where) +
                     ": priority_class: expected " + expected_priority_class(classes, spec.priority_class) +
                     ", got '" + spec.priority_class + "'");
  tmpl.team = spec.team;
  tmpl.namespace_ = spec.namespace_;
  tmpl.labels = spec.labels;
  tmpl.labels["workload_type"] = "notebook";
  tmpl.source = spec.where;
  tmpl.pods.assign(1, spec.pod);

  struct Drawn {
    NotebookSession s;
    std::int32_t user;
  };
  std::vector<Drawn> all;
  const double jitter_s = sim::to_seconds(spec.start_jitter);
  for (std::int64_t d : notebook_working_days(spec)) {
    const sim::SimTime day = d * sim::kDay, day_end = day + spec.work_end;
    for (std::int32_t u = 0; u < spec.users; ++u) {
      // Always the same draws per user-day, whatever they lead to.
      const double jitter = rng.uniform(-jitter_s, jitter_s);
      const bool close_at_end = rng.bernoulli(spec.close_at_end_probability);
      const sim::SimTime open =
          std::clamp<sim::SimTime>(day + spec.work_start + sim::from_seconds(jitter), 0, day_end - sim::kSecond);
      std::vector<sim::SimTime> periods;
      sim::SimTime covered = 0;
      while (covered < day_end - open) {
        periods.push_back(draw_period(rng, periods.size() % 2 == 0 ? spec.active_mean_s : spec.idle_mean_s));
        covered += periods.back();
      }
      for (const auto& s : notebook_day_sessions(open, day_end, periods, spec.idle_timeout, close_at_end))
        all.push_back({s, u});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Drawn& a, const Drawn& b) { return a.s.open < b.s.open; });

  std::vector<Job> jobs;
  jobs.reserve(all.size());
  for (const auto& [s, user] : all) {
    Job job = tmpl;
    job.id = first_id + static_cast<JobId>(jobs.size());
    job.name = source_name + "-" + std::to_string(jobs.size());
    job.submit = s.open;
    job.duration = s.close - s.open;
    job.notebook_active_share = static_cast<double>(s.active) / static_cast<double>(job.duration);
    job.gpu_utilization = job.notebook_active_share * spec.busy_while_active;
    job.culled = s.culled;
    job.labels["ended_by"] = s.culled ? "culler" : "user";
    job.labels["user"] = source_name + "-u" + std::to_string(user);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace fleetsim::models
