// The fluid request accounting: hand-computed cases for a growing queue, a full
// queue, timeouts and a stretch at zero replicas, and the conservation identity
// arrived = served + dropped + timed_out + queued_delta on random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/serving/fluid_queue.hpp"
#include "sim/rng.hpp"

namespace fleetsim::models::serving {
namespace {

using sim::kSecond;
constexpr double kInf = std::numeric_limits<double>::infinity();

void expect_conserved(const RequestCounts& c) {
  const double rhs = c.served + c.dropped + c.timed_out + c.queued_delta();
  EXPECT_NEAR(c.arrived, rhs, 1e-9 * std::max(1.0, c.arrived));
}

TEST(FluidQueue, BelowCapacityNothingQueues) {
  FluidQueue q;
  const auto c = q.advance(100 * kSecond, 5.0, {2, 3.0});  // 5/s on 2 x 3/s
  EXPECT_DOUBLE_EQ(c.arrived, 500);
  EXPECT_DOUBLE_EQ(c.served, 500);
  EXPECT_EQ(q.queued(), 0);
  EXPECT_EQ(c.wait_sum_s, 0);
}

TEST(FluidQueue, OverloadGrowsTheQueue) {
  // 10/s into one replica serving 6/s for 10 s: 100 arrive, 60 served, 40 queued.
  // The front moves through arrival times at 6/10 of real time, so fluid served
  // at u has waited 0.4 u: total wait 6 x 0.4 x 10^2 / 2 = 120 s, mean 2 s.
  FluidQueue q;
  const auto c = q.advance(10 * kSecond, 10.0, {1, 6.0});
  EXPECT_NEAR(c.arrived, 100, 1e-9);
  EXPECT_NEAR(c.served, 60, 1e-9);
  EXPECT_NEAR(c.queued_end, 40, 1e-9);
  EXPECT_NEAR(c.wait_sum_s, 120, 1e-9);
  EXPECT_NEAR(q.oldest_wait_s(), 4, 1e-9);
  expect_conserved(c);
}

TEST(FluidQueue, FullQueueDrops) {
  // Same, with room for 20: full at t = 20/4 = 5 s, then 4/s are dropped for 5 s.
  FluidQueue q;
  const auto c = q.advance(10 * kSecond, 10.0, {1, 6.0, 20.0});
  EXPECT_NEAR(c.served, 60, 1e-9);
  EXPECT_NEAR(c.dropped, 20, 1e-9);
  EXPECT_NEAR(c.queued_end, 20, 1e-9);
  expect_conserved(c);
}

TEST(FluidQueue, OldRequestsTimeOut) {
  // Same, with a 2 s timeout and no cap: the front's age 0.4 u reaches 2 s at
  // u = 5 s; from then the front is pinned at age 2 and leaves at the arrival
  // density 10/s, 6 served and 4 timed out: 20 time out, and the queue holds
  // the last 2 s of arrivals, 20.
  FluidQueue q;
  const auto c = q.advance(10 * kSecond, 10.0, {1, 6.0, kInf, 2.0});
  EXPECT_NEAR(c.served, 60, 1e-9);
  EXPECT_NEAR(c.timed_out, 20, 1e-9);
  EXPECT_NEAR(c.queued_end, 20, 1e-9);
  EXPECT_NEAR(q.oldest_wait_s(), 2, 1e-9);
  // Waits: 0.4 u until 5 s (6 x 0.4 x 25 / 2 = 30), then 2 s (6 x 5 x 2 = 60).
  EXPECT_NEAR(c.wait_sum_s, 90, 1e-9);
  expect_conserved(c);
}

TEST(FluidQueue, RequestsWaitAtZeroReplicasUntilCapacityOrTimeout) {
  // 1/s for 30 s with no replicas and a 60 s timeout: all 30 wait. Then one
  // replica at 10/s: the backlog drains at 9/s and is gone after 30/9 s.
  FluidQueue q;
  auto c = q.advance(30 * kSecond, 1.0, {0, 10.0, kInf, 60.0});
  EXPECT_NEAR(c.queued_end, 30, 1e-9);
  EXPECT_EQ(c.served, 0);
  c = q.advance(40 * kSecond, 1.0, {1, 10.0, kInf, 60.0});
  EXPECT_NEAR(c.served, 40, 1e-9);
  EXPECT_NEAR(c.queued_end, 0, 1e-9);
  expect_conserved(c);

  // With a 20 s timeout the first 10 s of arrivals have timed out by t = 30.
  FluidQueue r;
  c = r.advance(30 * kSecond, 1.0, {0, 10.0, kInf, 20.0});
  EXPECT_NEAR(c.timed_out, 10, 1e-9);
  EXPECT_NEAR(c.queued_end, 20, 1e-9);
  expect_conserved(c);
}

TEST(FluidQueue, PiecewiseRates) {
  // 0-10 s at 2/s, 10-20 s at 12/s, on 1 x 10/s: the queue grows 2/s in the
  // second piece to 20.
  FluidQueue q;
  const std::vector<RatePiece> pieces{{0, 2.0}, {10 * kSecond, 12.0}};
  const auto c = q.advance(20 * kSecond, pieces, {1, 10.0});
  EXPECT_NEAR(c.arrived, 140, 1e-9);
  EXPECT_NEAR(c.served, 120, 1e-9);
  EXPECT_NEAR(c.queued_end, 20, 1e-9);
}

TEST(FluidQueue, RejectsBadInput) {
  FluidQueue q(10 * kSecond);
  EXPECT_THROW(q.advance(5 * kSecond, 1.0, {1, 1.0}), std::invalid_argument);   // backwards
  EXPECT_THROW(q.advance(20 * kSecond, -1.0, {1, 1.0}), std::invalid_argument);  // negative rate
  const std::vector<RatePiece> late{{15 * kSecond, 1.0}};
  EXPECT_THROW(q.advance(20 * kSecond, late, {1, 1.0}), std::invalid_argument);  // gap at the start
}

// Random services (zero replicas, zero or finite caps and timeouts, overload and
// underload) and random piecewise rates over consecutive intervals: every
// interval conserves requests, nothing is negative, the queue respects its cap
// and no queued request is older than the timeout.
TEST(FluidQueue, ConservationOnRandomInputs) {
  sim::Rng rng(2026);
  for (int trial = 0; trial < 200; ++trial) {
    FluidQueue q;
    sim::SimTime now = 0;
    RequestCounts total;
    for (int step = 0; step < 30; ++step) {
      FluidService s;
      s.replicas = static_cast<int>(rng.below(4));
      s.per_replica_rate = rng.uniform(0.5, 20);
      const auto cap_kind = rng.below(3);
      s.queue_cap = cap_kind == 0 ? kInf : cap_kind == 1 ? 0.0 : rng.uniform(0, 200);
      const auto to_kind = rng.below(3);
      s.timeout_s = to_kind == 0 ? kInf : to_kind == 1 ? 0.0 : rng.uniform(0.1, 60);
      std::vector<RatePiece> pieces;
      const sim::SimTime end = now + static_cast<sim::SimTime>(rng.below(120 * kSecond)) + 1;
      pieces.push_back({now, rng.uniform(0, 60)});
      while (rng.bernoulli(0.6)) {
        const sim::SimTime start = pieces.back().start + static_cast<sim::SimTime>(rng.below(30 * kSecond)) + 1;
        if (start >= end) break;
        pieces.push_back({start, rng.bernoulli(0.2) ? 0.0 : rng.uniform(0, 60)});
      }
      const auto c = q.advance(end, pieces, s);
      double expected_arrivals = 0;
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const sim::SimTime stop = i + 1 < pieces.size() ? pieces[i + 1].start : end;
        expected_arrivals += pieces[i].rate * sim::to_seconds(stop - pieces[i].start);
      }
      ASSERT_NEAR(c.arrived, expected_arrivals, 1e-9 * std::max(1.0, expected_arrivals));
      expect_conserved(c);
      for (double x : {c.served, c.dropped, c.timed_out, c.queued_end, c.wait_sum_s}) ASSERT_GE(x, -1e-9);
      ASSERT_LE(c.served, s.replicas * s.per_replica_rate * sim::to_seconds(end - now) + 1e-9);
      ASSERT_LE(c.queued_end, std::max(c.queued_start, s.queue_cap) + 1e-6);
      if (std::isfinite(s.timeout_s)) {
        ASSERT_LE(q.oldest_wait_s(), s.timeout_s + 1e-6);
      }
      total += c;
      now = end;
    }
    expect_conserved(total);
  }
}

// A month at 200 requests/s with a daily profile in 15-s steps (the HPA's
// cadence): about 5e8 requests in 172 800 calls, still conserved.
TEST(FluidQueue, AMonthOfTrafficIsCheap) {
  FluidQueue q;
  RequestCounts total;
  const sim::SimTime step = 15 * kSecond;
  for (sim::SimTime t = 0; t < 30 * sim::kDay; t += step) {
    const double hour = sim::to_hours(t % sim::kDay);
    const double rate = 200 * (1 + 0.8 * std::sin(2 * M_PI * (hour - 8) / 24));
    const int replicas = static_cast<int>(std::ceil(rate / 50.0 * 0.9));  // slightly under-provisioned
    total += q.advance(t + step, rate, {replicas, 50.0, 2000, 30.0});
  }
  EXPECT_GT(total.arrived, 5e8);
  expect_conserved(total);
  EXPECT_GT(total.served, 0.9 * total.arrived);
}

}  // namespace
}  // namespace fleetsim::models::serving
