#pragma once
// Checkpoint/restart arithmetic for one run ("attempt") of a training job, and
// elastic scaling curves. Pure integer-time math: nothing here knows the world.
//
// An attempt starts at `start` with `progress` of work already checkpointed and
// needs `total` work overall. Its wall-clock timeline:
//
//   [restore]  work(interval)  write  work(interval)  write  ...  work(rest)  finish
//
// - restore: a pause of `cp.restore`, only when resuming (progress > 0) with work
//   left to do;
// - a write of `cp.write` after every `cp.interval` of work counted from the
//   resumed progress (checkpoints at progress + k*interval); no write at completion
//   (the job's output is its final state); no work is done during restore or writes;
// - a checkpoint counts as saved when its write completes, at an instant t it is
//   saved "by t" when the write ends at or before t.
//
// Work is measured in microseconds of run time at the job's reference size
// (Job::duration); an attempt runs at `rate` work per wall microsecond (e.g.
// ElasticPolicy::rate: ScalingCurve::speedup of an elastic job's world size
// relative to its max_replicas).
//
// Rounding: with rate == 1 every result is exact integer arithmetic. For any other
// rate, a stretch of w work between two pauses takes ceil(w / rate) µs of wall time
// (at least 1 µs for w > 0), and the work done o µs into such a stretch is the
// largest w whose wall time is <= o. Each stretch is rounded on its own, so the
// wall time of an attempt exceeds the real-valued one by < 1 µs per checkpoint. The
// results stay consistent: work_done(finish()) == total, work_done(finish() - 1)
// < total, work_done is non-decreasing, saved(t) <= work_done(t).
// rate <= 0 (or NaN): no progress at all, finish() == kNever.
// Durations that overflow int64 saturate at kNever.
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace fleetsim::models {

struct CheckpointPolicy {
  sim::SimTime interval = 0;  // work between checkpoints; 0 = never checkpoints
  sim::SimTime write = 0;     // pause to write one checkpoint (no progress during it)
  sim::SimTime restore = 0;   // pause before work resumes from a checkpoint (only when progress > 0)

  bool checkpoints() const { return interval > 0; }
};

// One attempt of a job. Negative policy durations count as 0; progress is clamped
// to [0, total]. Query times before `start` are treated as `start`.
struct Attempt {
  CheckpointPolicy cp;
  sim::SimTime total = 0;     // work the job needs overall
  sim::SimTime start = 0;     // wall time the attempt starts (pods running)
  sim::SimTime progress = 0;  // work already saved when it starts (0 = fresh)
  double rate = 1.0;          // work per wall µs (see the rounding note above)

  // Wall time when all `total` work is done (start when nothing is left to do;
  // kNever when rate <= 0 and work is left).
  sim::SimTime finish() const;
  // Work completed by t, counting the resumed progress: in [progress, total].
  sim::SimTime work_done(sim::SimTime t) const;
  // Work safely checkpointed by t: progress plus every checkpoint whose write has
  // completed by t; total once the attempt has finished (t >= finish()).
  sim::SimTime saved(sim::SimTime t) const;
  // Work lost if the attempt is killed at t: work_done(t) - saved(t).
  sim::SimTime lost(sim::SimTime t) const { return work_done(t) - saved(t); }
  // Restore plus checkpoint-write time spent by t (completed or under way).
  sim::SimTime overhead(sim::SimTime t) const;
  // Checkpoints whose writes have completed by t (not counting the resumed one).
  sim::SimTime checkpoints_written(sim::SimTime t) const;

  // An interruption notice at `notice_at`, the node gone at `deadline`. The job
  // may write an emergency checkpoint starting at notice_at (stopping work); if it
  // completes by the deadline (notice_at + write <= deadline) it saves
  // work_done(notice_at). If a regular write is already under way at notice_at it
  // is the emergency checkpoint: it counts if it completes by the deadline. The
  // job never does worse than carrying on with its regular schedule, so the
  // result is max(that, saved(deadline)); when the write does not fit it is
  // saved(deadline). Notices during restore save nothing new. Whether a job
  // writes emergency checkpoints at all is the caller's choice: for one that
  // doesn't, use saved(deadline).
  sim::SimTime saved_with_emergency_checkpoint(sim::SimTime notice_at,
                                               sim::SimTime deadline) const;
};

// Elastic scaling: throughput of `replicas` relative to one replica.
//   linear():        speedup(n) = n
//   amdahl(p):       speedup(n) = 1 / ((1 - p) + p / n), p in [0, 1]
//   table(points):   (replicas, speedup) points, replicas strictly increasing and
//                    >= 1, speedup > 0; linear interpolation between points, from
//                    (0, 0) below the first point, flat (the last speedup) above
//                    the last point.
// speedup(n) is 0 for n <= 0. Invalid parameters throw std::invalid_argument.
class ScalingCurve {
 public:
  enum class Kind { linear, amdahl, table };

  ScalingCurve() = default;  // linear
  static ScalingCurve linear();
  static ScalingCurve amdahl(double parallel_fraction);
  static ScalingCurve table(std::vector<std::pair<int, double>> points);

  double speedup(int replicas) const;

  Kind kind() const { return kind_; }
  double parallel_fraction() const { return parallel_fraction_; }
  const std::vector<std::pair<int, double>>& points() const { return points_; }

 private:
  Kind kind_ = Kind::linear;
  double parallel_fraction_ = 1.0;
  std::vector<std::pair<int, double>> points_;
};

}  // namespace fleetsim::models
