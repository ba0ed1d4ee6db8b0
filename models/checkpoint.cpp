#include "models/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace fleetsim::models {

namespace {

using sim::kNever;
using sim::SimTime;

SimTime sat_add(SimTime a, SimTime b) {
  SimTime r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kNever : INT64_MIN;
  return r;
}

SimTime sat_mul(SimTime a, SimTime b) {  // a, b >= 0
  SimTime r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return kNever;
  return r;
}

bool is_unit(double rate) { return rate == 1.0; }

// Wall time for w >= 0 work at `rate` > 0, in one uninterrupted stretch.
SimTime wall_for(SimTime w, double rate) {
  if (w <= 0) return 0;
  if (is_unit(rate)) return w;
  const double x = std::ceil(static_cast<double>(w) / rate);
  if (!(x < 9.0e18)) return kNever;  // also catches NaN
  return std::max<SimTime>(1, static_cast<SimTime>(x));
}

// Largest w in [0, cap] with wall_for(w) <= o (o >= 0). wall_for is
// non-decreasing in w (IEEE division and ceil are monotone), so bisection works.
SimTime work_in(SimTime o, SimTime cap, double rate) {
  if (is_unit(rate)) return std::min(o, cap);
  if (wall_for(cap, rate) <= o) return cap;
  SimTime lo = 0, hi = cap;  // wall_for(lo) <= o < wall_for(hi)
  while (hi - lo > 1) {
    const SimTime mid = lo + (hi - lo) / 2;
    if (wall_for(mid, rate) <= o) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The attempt's timeline, derived once per query.
struct Layout {
  SimTime start = 0;
  SimTime total = 0;
  SimTime progress = 0;
  SimTime rem = 0;       // work left
  bool stalled = false;  // rate <= 0 with work left
  SimTime restore = 0;   // restore pause actually taken
  SimTime t0 = 0;        // start + restore: work begins
  SimTime seg = 0;       // work per full segment (interval, or rem without checkpoints)
  SimTime n = 0;         // regular checkpoints in a complete attempt
  SimTime d = 0;         // wall time of a full segment
  SimTime w = 0;         // write pause
  SimTime p = 0;         // period: d + w (>= 1)
  SimTime last = 0;      // work in the final segment, in (0, seg]
  SimTime last_wall = 0;
  SimTime finish = 0;
};

Layout layout(const Attempt& a) {
  Layout l;
  l.start = a.start;
  l.total = std::max<SimTime>(0, a.total);
  l.progress = std::clamp<SimTime>(a.progress, 0, l.total);
  l.rem = l.total - l.progress;
  if (l.rem == 0) {
    l.t0 = l.finish = l.start;
    return l;
  }
  l.restore = l.progress > 0 ? std::max<SimTime>(0, a.cp.restore) : 0;
  l.t0 = sat_add(l.start, l.restore);
  l.w = std::max<SimTime>(0, a.cp.write);
  l.seg = a.cp.interval > 0 ? std::min(a.cp.interval, l.rem) : l.rem;
  l.n = (l.rem - 1) / l.seg;
  l.last = l.rem - l.n * l.seg;
  if (!(a.rate > 0)) {
    l.stalled = true;
    l.d = l.p = kNever;
    l.finish = kNever;
    return l;
  }
  l.d = wall_for(l.seg, a.rate);
  l.p = sat_add(l.d, l.w);
  l.last_wall = wall_for(l.last, a.rate);
  l.finish = sat_add(sat_add(l.t0, sat_mul(l.n, l.p)), l.last_wall);
  return l;
}

}  // namespace

SimTime Attempt::finish() const { return layout(*this).finish; }

SimTime Attempt::work_done(SimTime t) const {
  const Layout l = layout(*this);
  if (l.rem == 0) return l.total;
  t = std::max(t, l.start);
  if (l.stalled || t < l.t0) return l.progress;
  if (t >= l.finish) return l.total;
  const SimTime tau = t - l.t0;
  const SimTime k = tau / l.p;  // <= n since t < finish
  const SimTime o = tau % l.p;
  const SimTime in_seg = work_in(o, k < l.n ? l.seg : l.last, rate);
  return l.progress + k * l.seg + in_seg;
}

SimTime Attempt::checkpoints_written(SimTime t) const {
  const Layout l = layout(*this);
  if (l.rem == 0 || l.stalled) return 0;
  t = std::max(t, l.start);
  if (t < l.t0) return 0;
  return std::min(l.n, (t - l.t0) / l.p);
}

SimTime Attempt::saved(SimTime t) const {
  const Layout l = layout(*this);
  if (l.rem == 0) return l.total;
  t = std::max(t, l.start);
  if (t >= l.finish) return l.total;
  if (l.stalled || t < l.t0) return l.progress;
  return l.progress + std::min(l.n, (t - l.t0) / l.p) * l.seg;
}

SimTime Attempt::overhead(SimTime t) const {
  const Layout l = layout(*this);
  if (l.rem == 0) return 0;
  t = std::max(t, l.start);
  if (t < l.t0) return t - l.start;
  if (l.stalled) return l.restore;
  const SimTime tau = t - l.t0;
  const SimTime k = tau / l.p;
  if (k >= l.n) return sat_add(l.restore, sat_mul(l.n, l.w));
  const SimTime o = tau % l.p;
  return l.restore + k * l.w + std::max<SimTime>(0, o - l.d);
}

SimTime Attempt::saved_with_emergency_checkpoint(SimTime notice_at, SimTime deadline) const {
  const Layout l = layout(*this);
  notice_at = std::max(notice_at, l.start);
  deadline = std::max(deadline, notice_at);
  const SimTime regular = saved(deadline);
  if (l.rem == 0 || l.stalled || notice_at < l.t0 || notice_at >= l.finish) return regular;
  const SimTime tau = notice_at - l.t0;
  const SimTime k = tau / l.p;
  const SimTime o = tau % l.p;
  // A regular write under way: it is the emergency checkpoint, and saved(deadline)
  // already counts it if it completes by the deadline.
  if (k < l.n && o >= l.d) return regular;
  if (sat_add(notice_at, l.w) > deadline) return regular;
  return std::max(regular, work_done(notice_at));
}

// ---- ScalingCurve ----

ScalingCurve ScalingCurve::linear() { return ScalingCurve{}; }

ScalingCurve ScalingCurve::amdahl(double parallel_fraction) {
  if (!(parallel_fraction >= 0.0 && parallel_fraction <= 1.0)) {
    throw std::invalid_argument("amdahl parallel fraction must be in [0, 1], got " +
                                std::to_string(parallel_fraction));
  }
  ScalingCurve c;
  c.kind_ = Kind::amdahl;
  c.parallel_fraction_ = parallel_fraction;
  return c;
}

ScalingCurve ScalingCurve::table(std::vector<std::pair<int, double>> points) {
  if (points.empty()) throw std::invalid_argument("scaling table needs at least one point");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& [r, s] = points[i];
    if (r < 1) {
      throw std::invalid_argument("scaling table replicas must be >= 1, got " + std::to_string(r));
    }
    if (!(s > 0.0) || !std::isfinite(s)) {
      throw std::invalid_argument("scaling table speedup must be > 0, got " + std::to_string(s) +
                                  " at " + std::to_string(r) + " replicas");
    }
    if (i > 0 && r <= points[i - 1].first) {
      throw std::invalid_argument("scaling table replicas must be strictly increasing (" +
                                  std::to_string(points[i - 1].first) + " then " +
                                  std::to_string(r) + ")");
    }
  }
  ScalingCurve c;
  c.kind_ = Kind::table;
  c.points_ = std::move(points);
  return c;
}

double ScalingCurve::speedup(int replicas) const {
  if (replicas <= 0) return 0.0;
  const double n = static_cast<double>(replicas);
  switch (kind_) {
    case Kind::linear:
      return n;
    case Kind::amdahl:
      return 1.0 / ((1.0 - parallel_fraction_) + parallel_fraction_ / n);
    case Kind::table: {
      const auto& first = points_.front();
      if (replicas <= first.first) return first.second * n / static_cast<double>(first.first);
      const auto& last = points_.back();
      if (replicas >= last.first) return last.second;
      // First point with more replicas; its predecessor has fewer or equal.
      auto hi = std::upper_bound(points_.begin(), points_.end(), replicas,
                                 [](int r, const std::pair<int, double>& p) { return r < p.first; });
      auto lo = hi - 1;
      const double f = static_cast<double>(replicas - lo->first) /
                       static_cast<double>(hi->first - lo->first);
      return lo->second + f * (hi->second - lo->second);
    }
  }
  return n;
}

}  // namespace fleetsim::models
