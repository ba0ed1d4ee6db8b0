// Interactive notebooks: the culling rule by hand on fixed activity, session
// starts placed in working hours on weekdays, the generated jobs' invariants,
// a run's summary and bad input.
#include "models/workload/notebooks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "scenario/workload_yaml.hpp"
#include "sim/recorder.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim::models {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kMinute;

constexpr sim::SimTime k9 = 9 * kHour, k18 = 18 * kHour;

TEST(NotebookSessions, IdleGapLongerThanTheTimeoutIsCulledAtLastActivityPlusTimeout) {
  // Active 20m, idle 70m (> 1h): culled at 09:20 + 1h = 10:20. The user is back
  // at 10:30: a new session; active 30m, idle 10m, active until the day ends.
  const std::vector<sim::SimTime> periods = {20 * kMinute, 70 * kMinute, 30 * kMinute, 10 * kMinute, 9 * kHour};
  const auto s = notebook_day_sessions(k9, k18, periods, kHour, true);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].open, k9);
  EXPECT_EQ(s[0].close, k9 + 20 * kMinute + kHour);
  EXPECT_EQ(s[0].active, 20 * kMinute);
  EXPECT_TRUE(s[0].culled);
  EXPECT_EQ(s[1].open, 10 * kHour + 30 * kMinute);
  EXPECT_EQ(s[1].close, k18);  // closed by the user at the end of the day
  EXPECT_EQ(s[1].active, 30 * kMinute + (k18 - 11 * kHour - 10 * kMinute));  // 7h20m
  EXPECT_FALSE(s[1].culled);

  // Left open at the end of the day: culled 1 h after the last activity (18:00).
  const auto open = notebook_day_sessions(k9, k18, periods, kHour, false);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[1].close, k18 + kHour);
  EXPECT_TRUE(open[1].culled);
  EXPECT_EQ(open[1].active, s[1].active);
}

TEST(NotebookSessions, GapOfExactlyTheTimeoutIsNotCulled) {
  // "Idle longer than the timeout": 60m idle with a 1h timeout keeps the session.
  const auto s = notebook_day_sessions(k9, 11 * kHour, {20 * kMinute, 60 * kMinute, 2 * kHour}, kHour, true);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].open, k9);
  EXPECT_EQ(s[0].close, 11 * kHour);
  EXPECT_EQ(s[0].active, 20 * kMinute + 40 * kMinute);  // 09:00-09:20 and 10:20-11:00
}

TEST(NotebookSessions, EndOfDayDuringAnIdleGap) {
  // Idle from 09:10 into the evening; the day ends at 10:00, before the culler
  // would act (10:10): the user closes it at 10:00 or it is culled at 10:10.
  EXPECT_EQ(notebook_day_sessions(k9, 10 * kHour, {10 * kMinute, 3 * kHour}, kHour, true)[0].close, 10 * kHour);
  const auto left = notebook_day_sessions(k9, 10 * kHour, {10 * kMinute, 3 * kHour}, kHour, false);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].close, 10 * kHour + 10 * kMinute);
  EXPECT_TRUE(left[0].culled);
  // The day ends at 11:00, after the culler already acted at 10:10: culled even
  // though the user would have closed it, and no new session that day.
  const auto culled = notebook_day_sessions(k9, 11 * kHour, {10 * kMinute, 3 * kHour}, kHour, true);
  ASSERT_EQ(culled.size(), 1u);
  EXPECT_EQ(culled[0].close, 10 * kHour + 10 * kMinute);
  EXPECT_TRUE(culled[0].culled);
  EXPECT_EQ(culled[0].active, 10 * kMinute);
}

TEST(NotebookSessions, RejectsActivityThatDoesNotCoverTheDay) {
  EXPECT_THROW(notebook_day_sessions(k9, k18, {20 * kMinute, 10 * kMinute}, kHour, true), std::invalid_argument);
  EXPECT_THROW(notebook_day_sessions(k18, k18, {kDay}, kHour, true), std::invalid_argument);
  EXPECT_THROW(notebook_day_sessions(k9, k18, {kDay}, 0, true), std::invalid_argument);
}

NotebookSpec spec(std::int32_t users, sim::SimTime until) {
  NotebookSpec s;
  s.users = users;
  s.pod.gpus = 1;
  s.until = until;
  return s;
}

TEST(NotebookDays, WeekdaysFromAMondayAndTheUntilBoundary) {
  // Day 0 is a Monday: days 5 and 6 are the weekend. Day d counts when its
  // 09:00 is before `until`.
  auto s = spec(1, 8 * kDay + k9 + 1);
  EXPECT_EQ(notebook_working_days(s), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 7, 8}));
  s.until = 8 * kDay + k9;  // day 8's 09:00 is not before until
  EXPECT_EQ(notebook_working_days(s), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 7}));
  s.weekdays_only = false;
  EXPECT_EQ(notebook_working_days(s), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(NotebookJobs, SessionsFollowWorkingHoursAndCarryTheirActivity) {
  auto s = spec(12, 14 * kDay);
  s.busy_while_active = 0.4;
  sim::RngStreams streams(7);
  sim::Rng rng = streams.stream("workload/nb");
  const auto jobs = generate_notebooks(s, rng, PriorityClasses{}, 100, "nb");
  // 10 weekdays in two weeks; each user opens exactly one session a day within
  // 09:00 +- 30m; others (after a cull) open later, before 18:00.
  const std::set<std::int64_t> weekdays = {0, 1, 2, 3, 4, 7, 8, 9, 10, 11};
  std::map<std::pair<std::string, std::int64_t>, int> first;  // (user, day) -> sessions opened in the jitter window
  std::size_t culled = 0;
  sim::SimTime prev = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& j = jobs[i];
    EXPECT_EQ(j.id, 100 + i);
    EXPECT_EQ(j.name, "nb-" + std::to_string(i));
    EXPECT_GE(j.submit, prev);
    prev = j.submit;
    const std::int64_t day = j.submit / kDay;
    const sim::SimTime tod = j.submit % kDay;
    EXPECT_EQ(weekdays.count(day), 1u) << j.name;
    EXPECT_GE(tod, k9 - 30 * kMinute);
    EXPECT_LT(tod, k18);
    if (tod <= k9 + 30 * kMinute) first[{j.labels.at("user"), day}]++;
    EXPECT_GT(j.duration, 0);
    EXPECT_EQ(j.labels.at("workload_type"), "notebook");
    EXPECT_EQ(j.labels.at("ended_by"), j.culled ? "culler" : "user");
    ASSERT_EQ(j.pods.size(), 1u);
    EXPECT_EQ(j.pods[0].gpus, 1);
    EXPECT_GE(j.notebook_active_share, 0);
    EXPECT_LE(j.notebook_active_share, 1);
    EXPECT_DOUBLE_EQ(j.gpu_utilization, j.notebook_active_share * 0.4);
    // Closed by the user only at the end of the working day; culled sessions last
    // at least the timeout (the idle tail before the cull).
    if (!j.culled) {
      EXPECT_EQ((j.submit + j.duration) % kDay, k18) << j.name;
    } else {
      EXPECT_GE(j.duration, kHour) << j.name;
    }
    culled += j.culled;
  }
  EXPECT_EQ(first.size(), 12u * weekdays.size());
  for (const auto& [k, n] : first) EXPECT_GE(n, 1) << k.first << " day " << k.second;
  EXPECT_GT(culled, 0u);
  EXPECT_LT(culled, jobs.size());

  // Same stream, same sessions.
  sim::Rng again = streams.stream("workload/nb");
  const auto twice = generate_notebooks(s, again, PriorityClasses{}, 100, "nb");
  ASSERT_EQ(twice.size(), jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(twice[i].submit, jobs[i].submit);
    EXPECT_EQ(twice[i].duration, jobs[i].duration);
  }
}

const char* kScenario = R"(name: nb
seed: 3
horizon: 2d
cluster:
  pools:
    - {name: a10, instance_type: g5.xlarge, count: 30}
workload:
  - name: lab
    notebooks:
      users: 20
      until: 2d
      gpus: 1
      cpu_milli: 2000
      memory_mib: 8192
      working_hours: "09:00-18:00"
      start_jitter: 30m
      active: {mean: 20m}
      idle: {mean: 25m}
      busy_while_active: 0.3
      idle_timeout: 1h
      close_at_end_probability: 0.5
)";

TEST(NotebookRun, SummaryReportsCulledSessionsAndIdleGpuHours) {
  const auto sc = scenario::parse_scenario(kScenario, "nb.yaml", "");
  sim::NullRecorder rec;
  const auto r = world::World(sc, sc.seed, rec).run();
  const auto s = analysis::summarize(r);
  // 30 GPUs for 20 users: no session waits, so every session holds its GPU for its drawn length.
  double gpu_h = 0, idle_h = 0;
  std::size_t culled = 0;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    EXPECT_EQ(r.records[i].first_start, r.jobs[i].submit);
    gpu_h += r.records[i].gpu_seconds / 3600;
    idle_h += r.records[i].gpu_seconds / 3600 * (1 - r.jobs[i].notebook_active_share);
    culled += r.jobs[i].culled;
  }
  EXPECT_EQ(s.notebooks.sessions, r.jobs.size());
  EXPECT_GE(s.notebooks.sessions, 40u);  // 20 users x 2 days, plus new sessions after culls
  EXPECT_EQ(s.notebooks.culled, culled);
  EXPECT_NEAR(s.notebooks.gpu_hours, gpu_h, 1e-9);
  EXPECT_NEAR(s.notebooks.idle_gpu_hours, idle_h, 1e-9);
  // Mostly idle GPUs: with 20m active / 25m idle the active share is below one half,
  // so allocated GPUs are at most 0.3 x 1/2 busy.
  EXPECT_GT(s.notebooks.idle_gpu_hours, 0.5 * s.notebooks.gpu_hours);
  EXPECT_LT(s.allocated_gpu_utilization, 0.15);
  EXPECT_EQ(s.deadlines.jobs, 0u);
  const auto js = nlohmann::json::parse(analysis::summary_json(s, r));
  EXPECT_EQ(js["notebooks"]["sessions"], s.notebooks.sessions);
  EXPECT_EQ(js["notebooks"]["culled"], s.notebooks.culled);
  EXPECT_FALSE(js.contains("deadlines"));
}

std::string error_of(const std::string& notebooks) {
  try {
    scenario::parse_workload(YAML::Load("workload:\n  - name: lab\n    notebooks:\n" + notebooks)["workload"], "s.yaml",
                             "");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(NotebookYaml, BadInput) {
  EXPECT_EQ(error_of("      {users: 3, until: 1d, working_hours: \"9-18\"}\n"),
            "s.yaml:4: workload[0].notebooks.working_hours: expected working hours HH:MM-HH:MM with the start before "
            "the end, such as 09:00-18:00, got '9-18'");
  EXPECT_EQ(error_of("      {users: 3, until: 1d, working_hours: \"18:00-09:00\"}\n"),
            "s.yaml:4: workload[0].notebooks.working_hours: expected working hours HH:MM-HH:MM with the start before "
            "the end, such as 09:00-18:00, got '18:00-09:00'");
  EXPECT_EQ(error_of("      {users: 3, until: 1d, working_hours: \"09:00-10:00\", start_jitter: 1h}\n"),
            "s.yaml:4: workload[0].notebooks.start_jitter: expected a duration shorter than the working hours (09:00-10:00), "
            "got '1h'");
  EXPECT_EQ(error_of("      {users: 3, until: 1d, gpus: 1, gpu_milli: 500}\n"),
            "s.yaml:4: workload[0].notebooks.gpu_milli: expected one GPU request per notebook: gpus (whole GPUs or "
            "replicas), gpu_milli (a share of one GPU) or mig_profile (one MIG instance), got '500'");
  EXPECT_EQ(error_of("      {users: 3, until: 1d, idle_timeout: 0s}\n"),
            "s.yaml:4: workload[0].notebooks.idle_timeout: expected a positive duration such as 90s, 10m, 4h, 30d, "
            "got '0s'");
  // A notebook's length and utilization come from its activity.
  EXPECT_EQ(scenario::parse_workload(YAML::Load("workload:\n  - name: lab\n    notebooks: {users: 2, until: 1d, "
                                                "working_hours: \"08:30-24:00\", mig_profile: 1g.10gb}\n")["workload"],
                                     "s.yaml", "")
                .size(),
            1u);
  const std::string e = [] {
    try {
      scenario::parse_workload(
          YAML::Load("workload:\n  - name: lab\n    notebooks: {users: 2, until: 1d}\n    deadline: {within: 1h}\n")
              ["workload"],
          "s.yaml", "");
    } catch (const InputError& x) {
      return std::string(x.what());
    }
    return std::string("no error");
  }();
  EXPECT_EQ(e.rfind("s.yaml:4: workload[0].deadline: unknown key", 0), 0u) << e;
}

}  // namespace
}  // namespace fleetsim::models
