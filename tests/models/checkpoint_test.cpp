#include "models/checkpoint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

namespace fleetsim::models {
namespace {

using sim::kHour;
using sim::kMinute;
using sim::kNever;
using sim::kSecond;
using sim::SimTime;

// The brief's reference policy: checkpoint every hour of work, 5 min to write one,
// 10 min to restore.
constexpr CheckpointPolicy kHourly{kHour, 5 * kMinute, 10 * kMinute};

Attempt fresh(CheckpointPolicy cp, SimTime total, SimTime start = 0) {
  Attempt a;
  a.cp = cp;
  a.total = total;
  a.start = start;
  return a;
}

Attempt resumed(CheckpointPolicy cp, SimTime total, SimTime start, SimTime progress) {
  Attempt a = fresh(cp, total, start);
  a.progress = progress;
  return a;
}

TEST(Checkpoint, FreshFinishPaysNineWrites) {
  const Attempt a = fresh(kHourly, 10 * kHour);
  // Ten 1 h stretches of work, a 5 min write after each but the last.
  EXPECT_EQ(a.finish(), 10 * kHour + 9 * 5 * kMinute);
  EXPECT_EQ(a.work_done(a.finish()), 10 * kHour);
  EXPECT_EQ(a.work_done(a.finish() - 1), 10 * kHour - 1);
  EXPECT_EQ(a.overhead(a.finish()), 45 * kMinute);
  EXPECT_EQ(a.checkpoints_written(a.finish()), 9);
  EXPECT_EQ(a.saved(a.finish()), 10 * kHour);  // done: nothing left to lose
  // Past the end nothing changes.
  EXPECT_EQ(a.work_done(100 * kHour), 10 * kHour);
  EXPECT_EQ(a.overhead(100 * kHour), 45 * kMinute);
}

TEST(Checkpoint, FreshStartsAtOffset) {
  const Attempt a = fresh(kHourly, 10 * kHour, 7 * kHour);
  EXPECT_EQ(a.finish(), 7 * kHour + 10 * kHour + 45 * kMinute);
  EXPECT_EQ(a.work_done(7 * kHour), 0);
  EXPECT_EQ(a.work_done(3 * kHour), 0);  // before start: as at start
  EXPECT_EQ(a.overhead(7 * kHour + 30 * kMinute), 0);  // fresh: no restore
}

TEST(Checkpoint, InterruptedAtThreeAndAHalfHours) {
  const Attempt a = fresh(kHourly, 10 * kHour);
  const SimTime t = 3 * kHour + 30 * kMinute;
  // Writes: [1h, 1h05), [2h05, 2h10), [3h10, 3h15) (checkpoint at 3 h of work).
  EXPECT_EQ(a.work_done(t), 3 * kHour + 15 * kMinute);
  EXPECT_EQ(a.saved(t), 3 * kHour);
  EXPECT_EQ(a.lost(t), 15 * kMinute);
  EXPECT_EQ(a.overhead(t), 15 * kMinute);
  EXPECT_EQ(a.checkpoints_written(t), 3);
}

TEST(Checkpoint, CheckpointCountsWhenItsWriteCompletes) {
  const Attempt a = fresh(kHourly, 10 * kHour);
  const SimTime third_done = 3 * kHour + 15 * kMinute;
  EXPECT_EQ(a.saved(third_done), 3 * kHour);
  EXPECT_EQ(a.saved(third_done - 1), 2 * kHour);
  // During the third write: all 3 h of work done, only 2 h saved.
  EXPECT_EQ(a.work_done(third_done - 1), 3 * kHour);
  EXPECT_EQ(a.lost(third_done - 1), kHour);
  EXPECT_EQ(a.overhead(third_done - 1), 15 * kMinute - 1);
  // Work stands still during a write.
  EXPECT_EQ(a.work_done(3 * kHour + 10 * kMinute), 3 * kHour);
  EXPECT_EQ(a.work_done(3 * kHour + 12 * kMinute), 3 * kHour);
  // At 3 h of wall time: 2 h 50 min of work (two writes so far).
  EXPECT_EQ(a.work_done(3 * kHour), 2 * kHour + 50 * kMinute);
  EXPECT_EQ(a.saved(3 * kHour), 2 * kHour);
}

TEST(Checkpoint, ResumeFromThreeHours) {
  const SimTime start = 5 * kHour;
  const Attempt a = resumed(kHourly, 10 * kHour, start, 3 * kHour);
  // Restore 10 min, 7 h of work, writes at 4 h .. 9 h of progress (6 of them).
  EXPECT_EQ(a.finish(), start + 10 * kMinute + 7 * kHour + 6 * 5 * kMinute);
  EXPECT_EQ(a.overhead(a.finish()), 10 * kMinute + 30 * kMinute);
  EXPECT_EQ(a.checkpoints_written(a.finish()), 6);
  // While restoring: no work, the resumed progress is what is saved.
  EXPECT_EQ(a.work_done(start + 5 * kMinute), 3 * kHour);
  EXPECT_EQ(a.saved(start + 5 * kMinute), 3 * kHour);
  EXPECT_EQ(a.overhead(start + 5 * kMinute), 5 * kMinute);
  // Checkpoints at progress + k * interval: the first at 4 h of progress.
  const SimTime first_write_start = start + 10 * kMinute + kHour;
  EXPECT_EQ(a.work_done(first_write_start), 4 * kHour);
  EXPECT_EQ(a.saved(first_write_start), 3 * kHour);
  EXPECT_EQ(a.saved(first_write_start + 5 * kMinute), 4 * kHour);
  EXPECT_EQ(a.work_done(first_write_start + 5 * kMinute + 20 * kMinute), 4 * kHour + 20 * kMinute);
}

TEST(Checkpoint, ResumeOffGridCheckpointsFromResumedProgress) {
  // Resumed at 2.5 h of progress with a 1 h interval: checkpoints at 3.5 h, 4.5 h.
  const Attempt a = resumed(kHourly, 5 * kHour, 0, 2 * kHour + 30 * kMinute);
  EXPECT_EQ(a.finish(), 10 * kMinute + 2 * kHour + 30 * kMinute + 2 * 5 * kMinute);
  EXPECT_EQ(a.saved(10 * kMinute + kHour + 5 * kMinute), 3 * kHour + 30 * kMinute);
}

TEST(Checkpoint, InterruptAndResumeLosesOnlyUnsavedWork) {
  // Run, get interrupted at 3h30, restart at 4h from what was saved.
  const Attempt first = fresh(kHourly, 10 * kHour);
  const SimTime killed = 3 * kHour + 30 * kMinute;
  const Attempt second = resumed(kHourly, 10 * kHour, 4 * kHour, first.saved(killed));
  EXPECT_EQ(second.progress, 3 * kHour);
  EXPECT_EQ(second.finish(), 4 * kHour + 10 * kMinute + 7 * kHour + 30 * kMinute);
  // Total work performed = useful work + lost work.
  EXPECT_EQ(first.work_done(killed) + (second.total - second.progress),
            10 * kHour + first.lost(killed));
}

TEST(Checkpoint, NoCheckpointPolicySavesOnlyResumedProgress) {
  const Attempt a = fresh(CheckpointPolicy{}, 10 * kHour);
  EXPECT_EQ(a.finish(), 10 * kHour);
  for (SimTime t : {SimTime{0}, kHour, 5 * kHour, 10 * kHour - 1}) {
    EXPECT_EQ(a.saved(t), 0) << t;
    EXPECT_EQ(a.work_done(t), t) << t;
    EXPECT_EQ(a.overhead(t), 0) << t;
    EXPECT_EQ(a.checkpoints_written(t), 0) << t;
  }
  // Resumed (e.g. progress saved by an emergency checkpoint), restore still paid.
  const Attempt b = resumed(CheckpointPolicy{0, 0, 10 * kMinute}, 10 * kHour, kHour, 2 * kHour);
  EXPECT_EQ(b.finish(), kHour + 10 * kMinute + 8 * kHour);
  for (SimTime t : {kHour, 2 * kHour, 9 * kHour}) {
    EXPECT_EQ(b.saved(t), 2 * kHour) << t;
  }
  EXPECT_EQ(b.overhead(b.finish()), 10 * kMinute);
}

TEST(Checkpoint, IntervalLongerThanJobWritesNothing) {
  const Attempt a = fresh(CheckpointPolicy{20 * kHour, 5 * kMinute, 0}, 10 * kHour);
  EXPECT_EQ(a.finish(), 10 * kHour);
  EXPECT_EQ(a.overhead(a.finish()), 0);
  // Interval dividing the work exactly: no write at completion.
  const Attempt b = fresh(CheckpointPolicy{5 * kHour, 5 * kMinute, 0}, 10 * kHour);
  EXPECT_EQ(b.finish(), 10 * kHour + 5 * kMinute);
}

TEST(Checkpoint, NoWorkLeftFinishesAtStart) {
  const Attempt a = resumed(kHourly, 10 * kHour, 2 * kHour, 10 * kHour);
  EXPECT_EQ(a.finish(), 2 * kHour);  // no restore for a finished job
  EXPECT_EQ(a.work_done(2 * kHour), 10 * kHour);
  EXPECT_EQ(a.saved(2 * kHour), 10 * kHour);
  EXPECT_EQ(a.overhead(5 * kHour), 0);
  const Attempt empty = fresh(kHourly, 0, kHour);
  EXPECT_EQ(empty.finish(), kHour);
}

TEST(Checkpoint, EmergencyCheckpointFitsInAwsNotice) {
  // Write 90 s: period 61.5 min. Notice at 3h30 (3 regular checkpoints done at
  // 3h04m30s, then 25.5 min of work), node gone 2 min later.
  const Attempt a = fresh(CheckpointPolicy{kHour, 90 * kSecond, 10 * kMinute}, 10 * kHour);
  const SimTime notice = 3 * kHour + 30 * kMinute;
  const SimTime gone = notice + 2 * kMinute;
  EXPECT_EQ(a.work_done(notice), 3 * kHour + 25 * kMinute + 30 * kSecond);
  EXPECT_EQ(a.saved(gone), 3 * kHour);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, gone), 3 * kHour + 25 * kMinute + 30 * kSecond);
  // Exactly fitting (write ends at the deadline) counts.
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, notice + 90 * kSecond), a.work_done(notice));
  // GCP's 30 s notice: it does not fit.
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, notice + 30 * kSecond), 3 * kHour);
}

TEST(Checkpoint, EmergencyCheckpointTooSlowFallsBackToRegular) {
  // Write 3 min: period 63 min; at 3h30 work is 3h21m, saved 3h.
  const Attempt a = fresh(CheckpointPolicy{kHour, 3 * kMinute, 10 * kMinute}, 10 * kHour);
  const SimTime notice = 3 * kHour + 30 * kMinute;
  EXPECT_EQ(a.work_done(notice), 3 * kHour + 21 * kMinute);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, notice + 2 * kMinute), 3 * kHour);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, notice + 2 * kMinute),
            a.saved(notice + 2 * kMinute));
}

TEST(Checkpoint, EmergencyDuringRegularWrite) {
  // Write 90 s: the first regular write runs [1h, 1h01m30s).
  const Attempt fast = fresh(CheckpointPolicy{kHour, 90 * kSecond, 0}, 10 * kHour);
  const SimTime notice = kHour + 30 * kSecond;
  EXPECT_EQ(fast.saved_with_emergency_checkpoint(notice, notice + 2 * kMinute), kHour);
  // Write 3 min: the write in progress [1h, 1h03m) ends after the deadline.
  const Attempt slow = fresh(CheckpointPolicy{kHour, 3 * kMinute, 0}, 10 * kHour);
  EXPECT_EQ(slow.saved_with_emergency_checkpoint(notice, notice + 2 * kMinute), 0);
  // ... and exactly at the deadline it counts.
  EXPECT_EQ(slow.saved_with_emergency_checkpoint(kHour + kMinute, kHour + 3 * kMinute), kHour);
}

TEST(Checkpoint, EmergencyNeverWorseThanRegularSchedule) {
  // Notice 10 s before the 1 h checkpoint: carrying on, the regular write ends at
  // 1h01m30s, before the node goes at 1h01m50s, and saves more than writing now.
  const Attempt a = fresh(CheckpointPolicy{kHour, 90 * kSecond, 0}, 10 * kHour);
  const SimTime notice = kHour - 10 * kSecond;
  EXPECT_EQ(a.saved_with_emergency_checkpoint(notice, notice + 2 * kMinute), kHour);
}

TEST(Checkpoint, EmergencyOnlyPolicy) {
  // Never checkpoints on a schedule, but writes on SIGTERM (30 s write).
  const Attempt a = fresh(CheckpointPolicy{0, 30 * kSecond, 5 * kMinute}, 10 * kHour);
  EXPECT_EQ(a.finish(), 10 * kHour);
  EXPECT_EQ(a.saved(5 * kHour), 0);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(5 * kHour, 5 * kHour + 2 * kMinute), 5 * kHour);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(5 * kHour, 5 * kHour + 20 * kSecond), 0);
}

TEST(Checkpoint, EmergencyDuringRestoreOrAfterFinish) {
  const Attempt a = resumed(kHourly, 10 * kHour, 0, 3 * kHour);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(5 * kMinute, 7 * kMinute), 3 * kHour);
  EXPECT_EQ(a.saved_with_emergency_checkpoint(a.finish(), a.finish() + kMinute), 10 * kHour);
}

TEST(Checkpoint, RateScalesWorkNotPauses) {
  Attempt a = fresh(kHourly, 10 * kHour);
  a.rate = 2.0;  // each hour of work takes 30 min of wall time
  EXPECT_EQ(a.finish(), 10 * 30 * kMinute + 9 * 5 * kMinute);
  EXPECT_EQ(a.work_done(30 * kMinute), kHour);
  EXPECT_EQ(a.saved(35 * kMinute), kHour);
  EXPECT_EQ(a.work_done(45 * kMinute), kHour + 20 * kMinute);
  a.rate = 0.5;
  EXPECT_EQ(a.finish(), 10 * 2 * kHour + 45 * kMinute);
  EXPECT_EQ(a.work_done(kHour), 30 * kMinute);
}

TEST(Checkpoint, RateRoundsUpPerStretch) {
  Attempt a = fresh(CheckpointPolicy{}, 10);
  a.rate = 3.0;
  EXPECT_EQ(a.finish(), 4);       // ceil(10 / 3)
  EXPECT_EQ(a.work_done(1), 3);
  EXPECT_EQ(a.work_done(3), 9);
  EXPECT_EQ(a.work_done(4), 10);
  // With checkpoints every 4 work (write 1): stretches 4, 4, 2 → 2 + 1 + 2 + 1 + 1.
  a.cp = CheckpointPolicy{4, 1, 0};
  EXPECT_EQ(a.finish(), 7);
  EXPECT_EQ(a.saved(3), 4);
  EXPECT_EQ(a.work_done(5), 8);
}

TEST(Checkpoint, ZeroRateMakesNoProgress) {
  Attempt a = resumed(kHourly, 10 * kHour, 0, 2 * kHour);
  a.rate = 0.0;
  EXPECT_EQ(a.finish(), kNever);
  EXPECT_EQ(a.work_done(100 * kHour), 2 * kHour);
  EXPECT_EQ(a.saved(100 * kHour), 2 * kHour);
  EXPECT_EQ(a.overhead(100 * kHour), 10 * kMinute);
}

TEST(Checkpoint, ElasticRestartRollsBackToLastCheckpoint) {
  // SEMANTICS G5.2: checkpoint every 600 s; a node dies at t=1000 s with 4 workers
  // → roll back to 600 s and carry on with 3 (rate 3/4 of the 4-worker reference).
  const CheckpointPolicy cp{600 * kSecond, 0, 0};
  const Attempt four = fresh(cp, 3600 * kSecond);
  EXPECT_EQ(four.saved(1000 * kSecond), 600 * kSecond);
  const auto curve = ScalingCurve::linear();
  Attempt three = resumed(cp, 3600 * kSecond, 1030 * kSecond, four.saved(1000 * kSecond));
  three.rate = curve.speedup(3) / curve.speedup(4);
  EXPECT_EQ(three.finish(), 1030 * kSecond + 4000 * kSecond);  // 3000 s of work at 0.75
}

// Invariants on random parameters and times.
TEST(Checkpoint, RandomInvariants) {
  std::mt19937_64 rng(20240611);
  auto uni = [&](SimTime lo, SimTime hi) {
    return std::uniform_int_distribution<SimTime>(lo, hi)(rng);
  };
  for (int iter = 0; iter < 2000; ++iter) {
    Attempt a;
    a.cp.interval = uni(0, 3) == 0 ? 0 : uni(1, 5 * kHour);
    a.cp.write = uni(0, 3) == 0 ? 0 : uni(1, 10 * kMinute);
    a.cp.restore = uni(0, 30 * kMinute);
    a.total = uni(1, 50 * kHour);
    a.progress = uni(0, 2) == 0 ? 0 : uni(0, a.total);
    a.start = uni(0, 100 * kHour);
    const bool unit = iter % 2 == 0;
    if (!unit) a.rate = std::uniform_real_distribution<double>(0.05, 8.0)(rng);
    if (iter % 50 == 1) a.cp.interval = uni(1, 1000);  // many small stretches
    SCOPED_TRACE(::testing::Message() << "iter " << iter << " interval " << a.cp.interval
                                      << " write " << a.cp.write << " restore " << a.cp.restore
                                      << " total " << a.total << " progress " << a.progress
                                      << " start " << a.start << " rate " << a.rate);

    const SimTime fin = a.finish();
    ASSERT_GE(fin, a.start);
    ASSERT_LT(fin, kNever);
    EXPECT_EQ(a.work_done(fin), a.total);
    EXPECT_EQ(a.saved(fin), a.total);
    if (a.progress < a.total) {
      EXPECT_LT(a.work_done(fin - 1), a.total);
      EXPECT_LE(a.saved(fin - 1), a.work_done(fin - 1));
    }
    if (unit) {
      const SimTime checkpoints = a.cp.interval > 0 && a.progress < a.total
                                      ? (a.total - a.progress - 1) / a.cp.interval
                                      : 0;
      const SimTime restore = a.progress > 0 && a.progress < a.total ? a.cp.restore : 0;
      EXPECT_EQ(fin, a.start + restore + (a.total - a.progress) + checkpoints * a.cp.write);
    }

    std::vector<SimTime> ts;
    for (int i = 0; i < 40; ++i) ts.push_back(uni(a.start, fin + kHour));
    ts.push_back(a.start);
    ts.push_back(fin);
    std::sort(ts.begin(), ts.end());
    SimTime prev_work = a.progress, prev_saved = a.progress, prev_over = 0;
    for (SimTime t : ts) {
      const SimTime w = a.work_done(t), s = a.saved(t), o = a.overhead(t);
      EXPECT_GE(w, prev_work);
      EXPECT_GE(s, prev_saved);
      EXPECT_GE(o, prev_over);
      EXPECT_LE(s, w);
      EXPECT_LE(w, a.total);
      EXPECT_GE(s, a.progress);
      EXPECT_EQ(a.lost(t), w - s);
      if (t < fin) {
        EXPECT_EQ(s, a.progress + a.checkpoints_written(t) * a.cp.interval);
      }
      if (unit && t <= fin) {
        // Every wall µs is either work or a pause.
        EXPECT_EQ(t - a.start, (w - a.progress) + o);
      }
      // Emergency checkpoint: never worse than the regular schedule, never more
      // than the work done by the deadline.
      for (SimTime notice_len : {30 * kSecond, 2 * kMinute}) {
        const SimTime e = a.saved_with_emergency_checkpoint(t, t + notice_len);
        EXPECT_GE(e, a.saved(t + notice_len));
        EXPECT_LE(e, a.work_done(t + notice_len));
        if (a.cp.write <= notice_len && t < fin) {
          EXPECT_GE(e, w);
        }
      }
      prev_work = w;
      prev_saved = s;
      prev_over = o;
    }
  }
}

TEST(Scaling, Linear) {
  const auto c = ScalingCurve::linear();
  EXPECT_DOUBLE_EQ(c.speedup(1), 1.0);
  EXPECT_DOUBLE_EQ(c.speedup(8), 8.0);
  EXPECT_DOUBLE_EQ(c.speedup(0), 0.0);
  EXPECT_DOUBLE_EQ(ScalingCurve{}.speedup(3), 3.0);
}

TEST(Scaling, Amdahl) {
  const auto c = ScalingCurve::amdahl(0.9);
  EXPECT_DOUBLE_EQ(c.speedup(1), 1.0);
  EXPECT_DOUBLE_EQ(c.speedup(8), 1.0 / (0.1 + 0.9 / 8));
  EXPECT_NEAR(c.speedup(8), 4.70588, 1e-5);
  EXPECT_LT(c.speedup(1000), 10.0);  // bounded by 1 / (1 - p)
  EXPECT_DOUBLE_EQ(ScalingCurve::amdahl(1.0).speedup(8), 8.0);
  EXPECT_DOUBLE_EQ(ScalingCurve::amdahl(0.0).speedup(8), 1.0);
  EXPECT_DOUBLE_EQ(c.speedup(-1), 0.0);
  EXPECT_THROW(ScalingCurve::amdahl(1.5), std::invalid_argument);
  EXPECT_THROW(ScalingCurve::amdahl(-0.1), std::invalid_argument);
}

TEST(Scaling, TableInterpolates) {
  const auto c = ScalingCurve::table({{1, 1.0}, {2, 1.9}, {4, 3.4}, {8, 5.6}});
  EXPECT_DOUBLE_EQ(c.speedup(1), 1.0);
  EXPECT_DOUBLE_EQ(c.speedup(2), 1.9);
  EXPECT_DOUBLE_EQ(c.speedup(3), 2.65);
  EXPECT_DOUBLE_EQ(c.speedup(6), 4.5);
  EXPECT_DOUBLE_EQ(c.speedup(8), 5.6);
  EXPECT_DOUBLE_EQ(c.speedup(16), 5.6);  // flat past the last point
  EXPECT_DOUBLE_EQ(c.speedup(0), 0.0);
  // Below the first point: towards the origin.
  const auto d = ScalingCurve::table({{2, 1.8}, {4, 3.0}});
  EXPECT_DOUBLE_EQ(d.speedup(1), 0.9);
  EXPECT_DOUBLE_EQ(d.speedup(3), 2.4);
}

TEST(Scaling, TableRejectsBadPoints) {
  EXPECT_THROW(ScalingCurve::table({}), std::invalid_argument);
  EXPECT_THROW(ScalingCurve::table({{2, 1.0}, {2, 1.5}}), std::invalid_argument);
  EXPECT_THROW(ScalingCurve::table({{4, 3.0}, {2, 1.5}}), std::invalid_argument);
  EXPECT_THROW(ScalingCurve::table({{1, 1.0}, {2, 0.0}}), std::invalid_argument);
  EXPECT_THROW(ScalingCurve::table({{0, 1.0}}), std::invalid_argument);
}

}  // namespace
}  // namespace fleetsim::models
