// Checkpoint-resume inside a run, worked out by hand: a low-priority job with
// checkpoints every 30 min of work is preempted; it keeps what it saved, loses
// the rest, and an emergency checkpoint within the grace period saves more.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

using sim::kMinute;
using sim::kSecond;

struct Outcome {
  std::unique_ptr<scenario::Scenario> s;
  world::RunResult r;
  analysis::Summary sum;
  const world::JobRecord& rec(const std::string& name) const {
    for (std::size_t i = 0; i < r.jobs.size(); ++i)
      if (r.jobs[i].name == name) return r.records[i];
    throw std::runtime_error("no job " + name);
  }
};

Outcome run(const std::string& grace) {
  const std::string trace = ::testing::TempDir() + "ckpt_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(trace) << "job_id,submit,duration,gpus,priority_class\nlow,0,2h,8,low\nhigh,70m,1h,8,high\n";
  const std::string yaml =
      "name: ckpt\npriority_classes:\n  - {name: low, value: 100}\n  - {name: high, value: 1000}\n"
      "cluster:\n  pools:\n    - {name: a, instance_type: p4d.24xlarge, count: 1}\n"
      "scheduler:\n  queue: {policy: priority, preemption: true}\n  preemption_grace: " +
      grace + "\nworkload:\n  - {name: t, csv: " + trace + ", checkpoint: {interval: 30m, write: 1m, restore: 2m}}\n";
  Outcome o;
  o.s = std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "ckpt.yaml", ""));
  analysis::MemoryRecorder rec;
  world::World w(*o.s, 1, rec);
  o.r = w.run();
  o.sum = analysis::summarize(o.r);
  std::filesystem::remove(trace);
  return o;
}

TEST(CheckpointResume, PreemptedJobKeepsItsLastCheckpoint) {
  // low: writes end at 31m and 62m (work 30m, 60m). Preempted at 70m with a 30 s
  // grace: a 1 min emergency write does not fit, so it keeps 60m of work and
  // loses the 8m30s done since. high runs 70m30s .. 70m30s + 61m = 131m30s.
  // low resumes: restore 2m, 30m work, write 1m, 30m work -> ends at 194m30s.
  Outcome o = run("30s");
  const auto& low = o.rec("low");
  EXPECT_EQ(low.preemptions, 1);
  EXPECT_DOUBLE_EQ(low.lost_work_s, 510.0);
  EXPECT_EQ(o.rec("high").first_start, 70 * kMinute + 30 * kSecond);
  EXPECT_EQ(o.rec("high").end, 131 * kMinute + 30 * kSecond);
  EXPECT_EQ(low.last_start, 131 * kMinute + 30 * kSecond);
  EXPECT_EQ(low.end, 194 * kMinute + 30 * kSecond);
  // Overheads: first run 2 writes + (emergency none); second run restore + 1 write;
  // high 1 write. Lost work is 8 GPUs x 510 s.
  EXPECT_DOUBLE_EQ(low.checkpoint_overhead_s, 2 * 60.0 + 2 * 60.0 + 60.0);
  EXPECT_NEAR(o.sum.lost_gpu_hours, 8 * 510.0 / 3600, 1e-9);
}

TEST(CheckpointResume, EmergencyCheckpointWithinGraceSavesTheWork) {
  // With a 2 min grace the 1 min emergency write fits: the 68m of work done at
  // the notice is saved and nothing is lost.
  Outcome o = run("2m");
  EXPECT_DOUBLE_EQ(o.rec("low").lost_work_s, 0.0);
  EXPECT_EQ(o.rec("low").saved_progress, o.r.jobs[0].duration);  // finished
  EXPECT_DOUBLE_EQ(o.sum.lost_gpu_hours, 0.0);
}

}  // namespace
}  // namespace fleetsim
