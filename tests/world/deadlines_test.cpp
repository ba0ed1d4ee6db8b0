// Batch inference deadlines: per-job deadlines from a CSV trace column or a
// source's `deadline: {at | within}`, judged met, missed or open at the end of a
// run, and reported in jobs.csv, run.h5, summary.json and compare metrics.
// Figures by hand on one GPU (a g5.xlarge) running 2-hour jobs back to back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/memory_recorder.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "scenario/workload_yaml.hpp"
#include "sim/recorder.hpp"
#include "tests/analysis/h5_reader.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;
using sim::kHour;

std::string write_trace(const std::string& name, const std::string& rows) {
  const std::string path = ::testing::TempDir() + "deadlines_" + name + "_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << rows;
  return path;
}

// One GPU, FIFO: jobs submitted together run one after another in file order.
world::RunResult run(const std::string& workload, const std::string& horizon) {
  const std::string yaml = "name: deadlines\nseed: 1\nhorizon: " + horizon +
                           "\ncluster:\n  pools:\n    - {name: one, instance_type: g5.xlarge, count: 1}\nworkload:\n" +
                           workload;
  const auto s = scenario::parse_scenario(yaml, "deadlines.yaml", "");
  sim::NullRecorder rec;
  return world::World(s, s.seed, rec).run();
}

// Three 2-hour jobs at t = 0 with deadlines at 3 h, 5 h and 5 h: they end at
// 2 h, 4 h and 6 h, so the third misses.
const char* kThree = "job_id,submit,duration,gpus,deadline\na,0,2h,1,3h\nb,0,2h,1,5h\nc,0,2h,1,18000\n";

TEST(Deadlines, ThreeJobsOnOneGpuTheThirdMisses) {
  const std::string trace = write_trace("three", kThree);
  const auto r = run("  - {name: t, csv: " + trace + "}\n", "8h");
  ASSERT_EQ(r.jobs.size(), 3u);
  EXPECT_EQ(r.jobs[0].deadline, 3 * kHour);
  EXPECT_EQ(r.jobs[2].deadline, 5 * kHour);  // 18000 s
  EXPECT_EQ(r.records[2].end, 6 * kHour);
  using analysis::DeadlineOutcome;
  EXPECT_EQ(analysis::deadline_outcome(r.jobs[0], r.records[0], r.end), DeadlineOutcome::met);
  EXPECT_EQ(analysis::deadline_outcome(r.jobs[1], r.records[1], r.end), DeadlineOutcome::met);
  EXPECT_EQ(analysis::deadline_outcome(r.jobs[2], r.records[2], r.end), DeadlineOutcome::missed);
  const auto s = analysis::summarize(r);
  EXPECT_EQ(s.deadlines.jobs, 3u);
  EXPECT_EQ(s.deadlines.met, 2u);
  EXPECT_EQ(s.deadlines.missed, 1u);
  EXPECT_EQ(s.deadlines.open, 0u);
  bool found = false;
  for (const auto& [name, v] : analysis::headline_metrics(s))
    if (name == "deadline_misses") {
      found = true;
      EXPECT_EQ(v, 1.0);
    }
  EXPECT_TRUE(found);
  fs::remove(trace);
}

TEST(Deadlines, OpenWhenTheRunEndsBeforeTheDeadlineMissedWhenItPassedUnfinished) {
  const std::string trace = write_trace("open", kThree);
  {
    // Horizon 3 h: a met (2 h); b runs and c waits, their 5 h deadlines lie beyond the run: open.
    const auto s = analysis::summarize(run("  - {name: t, csv: " + trace + "}\n", "3h"));
    EXPECT_EQ(s.deadlines.met, 1u);
    EXPECT_EQ(s.deadlines.missed, 0u);
    EXPECT_EQ(s.deadlines.open, 2u);
  }
  {
    // Horizon 5.5 h: b met at 4 h; c is running at 5 h, its deadline, and has not finished: missed.
    const auto s = analysis::summarize(run("  - {name: t, csv: " + trace + "}\n", "5h30m"));
    EXPECT_EQ(s.deadlines.met, 2u);
    EXPECT_EQ(s.deadlines.missed, 1u);
    EXPECT_EQ(s.deadlines.open, 0u);
  }
  fs::remove(trace);
}

TEST(Deadlines, SourceWithinAndAtTimeOfDay) {
  const std::string trace = write_trace("plain", "job_id,submit,duration,gpus\na,0,2h,1\nb,0,2h,1\nc,4h,2h,1\n");
  {
    // within 3 h of submit: a ends at 2 h (met), b at 4 h > 3 h (missed), c at 6 h <= 7 h (met).
    const auto r = run("  - {name: t, csv: " + trace + ", deadline: {within: 3h}}\n", "1d");
    EXPECT_EQ(r.jobs[2].deadline, 7 * kHour);
    const auto s = analysis::summarize(r);
    EXPECT_EQ(s.deadlines.met, 2u);
    EXPECT_EQ(s.deadlines.missed, 1u);
  }
  {
    // at 03:00: a and b by 3 h that day (b misses); c, submitted at 04:00, by 03:00 the next day (27 h).
    const auto r = run("  - {name: t, csv: " + trace + ", deadline: {at: \"03:00\"}}\n", "2d");
    EXPECT_EQ(r.jobs[0].deadline, 3 * kHour);
    EXPECT_EQ(r.jobs[2].deadline, 27 * kHour);
    const auto s = analysis::summarize(r);
    EXPECT_EQ(s.deadlines.met, 2u);
    EXPECT_EQ(s.deadlines.missed, 1u);
  }
  fs::remove(trace);
}

TEST(Deadlines, NextTimeOfDay) {
  EXPECT_EQ(scenario::next_time_of_day(0, 6 * kHour), 6 * kHour);
  EXPECT_EQ(scenario::next_time_of_day(6 * kHour, 6 * kHour), 6 * kHour);  // at or after
  EXPECT_EQ(scenario::next_time_of_day(6 * kHour + 1, 6 * kHour), 30 * kHour);
  EXPECT_EQ(scenario::next_time_of_day(2 * sim::kDay + 22 * kHour, 6 * kHour), 3 * sim::kDay + 6 * kHour);
  EXPECT_EQ(scenario::parse_time_of_day("06:00"), 6 * kHour);
  EXPECT_EQ(scenario::parse_time_of_day("23:59:30"), 23 * kHour + 59 * sim::kMinute + 30 * sim::kSecond);
  EXPECT_EQ(scenario::parse_time_of_day("24:00"), std::nullopt);
  EXPECT_EQ(scenario::parse_time_of_day("24:00", true), sim::kDay);
  EXPECT_EQ(scenario::parse_time_of_day("6:00"), std::nullopt);
  EXPECT_EQ(scenario::parse_time_of_day("06:60"), std::nullopt);
}

TEST(Deadlines, OutputsCarryThem) {
  const std::string trace = write_trace("out", "job_id,submit,duration,gpus,deadline\na,0,2h,1,3h\nb,0,2h,1,3h\nc,0,1h,1,\n");
  const auto r = run("  - {name: t, csv: " + trace + "}\n", "8h");
  const auto s = analysis::summarize(r);
  const auto js = nlohmann::json::parse(analysis::summary_json(s, r));
  EXPECT_EQ(js["deadlines"]["jobs"], 2);
  EXPECT_EQ(js["deadlines"]["met"], 1);
  EXPECT_EQ(js["deadlines"]["missed"], 1);
  EXPECT_EQ(js["deadlines"]["open"], 0);
  EXPECT_FALSE(js.contains("notebooks"));

  const std::string dir = ::testing::TempDir() + "deadlines_out_" + std::to_string(::getpid());
  analysis::MemoryRecorder rec;
  analysis::write_results(dir, r, s, rec);
  CsvReader csv(dir + "/jobs.csv");
  std::vector<std::string> deadline, missed;
  while (csv.next()) {
    deadline.push_back(csv.opt_str("deadline_s").value_or(""));
    missed.push_back(csv.str("deadline_missed"));
  }
  EXPECT_EQ(deadline, (std::vector<std::string>{"10800", "10800", ""}));
  EXPECT_EQ(missed, (std::vector<std::string>{"0", "1", "0"}));
  testing_h5::H5Reader h5(dir + "/run.h5");
  ASSERT_TRUE(h5.ok());
  const auto d = h5.doubles("/jobs/deadline_s");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], 10800);
  EXPECT_TRUE(std::isnan(d[2]));
  EXPECT_EQ(h5.doubles("/jobs/deadline_missed"), (std::vector<double>{0, 1, 0}));
  fs::remove_all(dir);
  fs::remove(trace);
}

TEST(Deadlines, BadInput) {
  const std::string trace = write_trace("bad", "job_id,submit,duration,gpus\na,0,2h,1\n");
  auto error_of = [&](const std::string& workload) {
    try {
      run(workload, "1d");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("  - name: t\n    csv: " + trace + "\n    deadline: {at: \"06:00\", within: 8h}\n"),
            "deadlines.yaml:10: workload[0].deadline: expected either at (a time of day such as 06:00) or within (a "
            "duration after submit such as 8h), got both");
  EXPECT_EQ(error_of("  - name: t\n    csv: " + trace + "\n    deadline: {}\n"),
            "deadlines.yaml:10: workload[0].deadline: expected either at (a time of day such as 06:00) or within (a "
            "duration after submit such as 8h), got neither");
  EXPECT_EQ(error_of("  - name: t\n    csv: " + trace + "\n    deadline: {at: \"6am\"}\n"),
            "deadlines.yaml:10: workload[0].deadline.at: expected a time of day HH:MM such as 06:00, got '6am'");
  EXPECT_EQ(error_of("  - name: t\n    csv: " + trace + "\n    deadline: {within: 0s}\n"),
            "deadlines.yaml:10: workload[0].deadline.within: expected a positive duration such as 90s, 10m, 4h, 30d, "
            "got '0s'");
  const std::string early = write_trace("early", "job_id,submit,duration,gpus,deadline\na,2h,2h,1,1h\n");
  EXPECT_EQ(error_of("  - {name: t, csv: " + early + "}\n"),
            early + ":2: deadline: expected a time at or after submit (2h), got '1h'");
  const std::string both = write_trace("both", "job_id,submit,duration,gpus,deadline\na,0,2h,1,3h\n");
  EXPECT_EQ(error_of("  - {name: t, csv: " + both + ", deadline: {within: 1h}}\n"),
            "deadlines.yaml:8: deadline: the trace gives job 'a' a deadline already (" + both +
                ":2); expected one or the other");
  fs::remove(trace);
  fs::remove(early);
  fs::remove(both);
}

}  // namespace
}  // namespace fleetsim
