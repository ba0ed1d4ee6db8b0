#include "sim/simulation.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

namespace fleetsim::sim {
namespace {

TEST(Simulation, HandlersRunInTimeOrder) {
  Simulation s(1);
  std::vector<std::pair<SimTime, std::uint64_t>> seen;
  auto rec = s.add_handler("rec", [&](std::uint64_t p) { seen.emplace_back(s.now(), p); });
  s.at(30, rec, 3);
  s.at(10, rec, 1);
  s.at(20, rec, 2);
  s.at(10, rec, 11);  // same instant as payload 1, scheduled later
  auto stats = s.run(kNever, nullptr);
  EXPECT_EQ(seen, (std::vector<std::pair<SimTime, std::uint64_t>>{{10, 1}, {10, 11}, {20, 2}, {30, 3}}));
  EXPECT_EQ(stats.events, 4u);
  EXPECT_EQ(stats.end_time, 30);
  EXPECT_FALSE(stats.reached_horizon);
  EXPECT_EQ(s.handler_name(rec), "rec");
}

TEST(Simulation, HandlersMayScheduleMoreEvents) {
  Simulation s(1);
  std::vector<SimTime> seen;
  EventType chain = 0;
  chain = s.add_handler("chain", [&](std::uint64_t left) {
    seen.push_back(s.now());
    if (left > 0) s.after(5, chain, left - 1);
  });
  s.at(0, chain, 3);
  s.run(kNever, nullptr);
  EXPECT_EQ(seen, (std::vector<SimTime>{0, 5, 10, 15}));
}

TEST(Simulation, CancelledEventDoesNotRun) {
  Simulation s(1);
  int runs = 0;
  auto t = s.add_handler("t", [&](std::uint64_t) { ++runs; });
  auto h = s.at(10, t);
  s.at(20, t);
  EXPECT_TRUE(s.pending(h));
  EXPECT_TRUE(s.cancel(h));
  EXPECT_FALSE(s.pending(h));
  EXPECT_EQ(s.pending_events(), 1u);
  s.run(kNever, nullptr);
  EXPECT_EQ(runs, 1);
}

TEST(Simulation, EveryFiresAtFirstThenEachPeriod) {
  Simulation s(1);
  std::vector<SimTime> ticks;
  auto tick = s.add_handler("tick", [&](std::uint64_t payload) {
    EXPECT_EQ(payload, 77u);
    ticks.push_back(s.now());
  });
  s.every(10 * kSecond, 5 * kSecond, tick, 77);
  auto stats = s.run(45 * kSecond, nullptr);
  EXPECT_EQ(ticks, (std::vector<SimTime>{5 * kSecond, 15 * kSecond, 25 * kSecond, 35 * kSecond, 45 * kSecond}));
  EXPECT_TRUE(stats.reached_horizon);  // the tick at 55 s is still pending
  EXPECT_EQ(stats.end_time, 45 * kSecond);
}

TEST(Simulation, StopTimerFromOutsideAndFromItsOwnHandler) {
  Simulation s(1);
  std::vector<SimTime> a_ticks, b_ticks;
  TimerId b_id = 0;
  auto a = s.add_handler("a", [&](std::uint64_t) { a_ticks.push_back(s.now()); });
  auto b = s.add_handler("b", [&](std::uint64_t) {
    b_ticks.push_back(s.now());
    if (b_ticks.size() == 3) s.stop_timer(b_id);
  });
  auto stopper = s.add_handler("stopper", [&](std::uint64_t id) { s.stop_timer(static_cast<TimerId>(id)); });
  TimerId a_id = s.every(10, 0, a);
  b_id = s.every(7, 7, b);
  s.at(25, stopper, a_id);
  auto stats = s.run(kNever, nullptr);
  EXPECT_EQ(a_ticks, (std::vector<SimTime>{0, 10, 20}));
  EXPECT_EQ(b_ticks, (std::vector<SimTime>{7, 14, 21}));
  // Both timers stopped: the queue ran dry instead of ticking forever.
  EXPECT_FALSE(stats.reached_horizon);
  EXPECT_EQ(s.pending_events(), 0u);
  EXPECT_EQ(stats.end_time, 25);
}

TEST(Simulation, TimerPeriodMustBePositive) {
  Simulation s(1);
  auto t = s.add_handler("t", [](std::uint64_t) {});
  EXPECT_THROW(s.every(0, 0, t), std::logic_error);
  EXPECT_THROW(s.every(-1, 0, t), std::logic_error);
}

TEST(Simulation, RunStopsAtHorizonInclusive) {
  Simulation s(1);
  std::vector<SimTime> seen;
  auto rec = s.add_handler("rec", [&](std::uint64_t) { seen.push_back(s.now()); });
  s.at(50, rec);
  s.at(100, rec);  // exactly the horizon: runs
  s.at(101, rec);  // after: does not
  auto stats = s.run(100, nullptr);
  EXPECT_EQ(seen, (std::vector<SimTime>{50, 100}));
  EXPECT_TRUE(stats.reached_horizon);
  EXPECT_EQ(stats.end_time, 100);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(s.now(), 100);
  EXPECT_EQ(s.pending_events(), 1u);
  // Running on picks the rest up.
  stats = s.run(kNever, nullptr);
  EXPECT_EQ(seen, (std::vector<SimTime>{50, 100, 101}));
  EXPECT_FALSE(stats.reached_horizon);
  EXPECT_EQ(stats.events, 3u);  // cumulative
}

TEST(Simulation, HorizonBeforeNextEventMovesClockToHorizon) {
  Simulation s(1);
  auto rec = s.add_handler("rec", [](std::uint64_t) {});
  s.at(500, rec);
  auto stats = s.run(200, nullptr);
  EXPECT_TRUE(stats.reached_horizon);
  EXPECT_EQ(stats.events, 0u);
  EXPECT_EQ(stats.end_time, 200);
  EXPECT_EQ(s.now(), 200);
}

TEST(Simulation, DonePredicateStopsTheRun) {
  Simulation s(1);
  int count = 0;
  auto rec = s.add_handler("rec", [&](std::uint64_t) { ++count; });
  for (int i = 1; i <= 10; ++i) s.at(i * 10, rec);
  auto stats = s.run(kNever, [&] { return count >= 4; });
  EXPECT_EQ(count, 4);
  EXPECT_EQ(stats.events, 4u);
  EXPECT_EQ(stats.end_time, 40);
  EXPECT_FALSE(stats.reached_horizon);
  EXPECT_EQ(s.pending_events(), 6u);
}

TEST(Simulation, SchedulingInThePastThrows) {
  Simulation s(1);
  auto rec = s.add_handler("late", [](std::uint64_t) {});
  s.at(100, rec);
  s.run(kNever, nullptr);
  ASSERT_EQ(s.now(), 100);
  EXPECT_THROW(s.at(99, rec), std::logic_error);
  EXPECT_THROW(s.after(-1, rec), std::logic_error);
  EXPECT_NO_THROW(s.at(100, rec));  // now is not the past
  try {
    s.at(50, rec);
    FAIL() << "expected throw";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "event scheduled in the past: late");
  }
}

TEST(Simulation, UnknownEventTypeThrows) {
  Simulation s(1);
  EXPECT_ANY_THROW(s.at(10, 5));
}

std::vector<std::uint64_t> draw(const Simulation& s, const char* name, int n) {
  Rng r = s.rng().stream(name);
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(r.next());
  return out;
}

TEST(Simulation, SameSeedSameStreams) {
  Simulation a(2024), b(2024);
  EXPECT_EQ(a.rng().master_seed(), 2024u);
  EXPECT_EQ(draw(a, "x", 100), draw(b, "x", 100));
}

TEST(Simulation, DifferentNamesOrSeedsDifferentStreams) {
  Simulation a(2024), b(2025);
  EXPECT_NE(draw(a, "x", 10), draw(a, "y", 10));
  EXPECT_NE(draw(a, "x", 10), draw(b, "x", 10));
}

TEST(Simulation, AddingAStreamDoesNotShiftAnother) {
  Simulation a(7), b(7);
  // In `b` some other component draws heavily from its own stream first.
  Rng other = b.rng().stream("autoscaler");
  for (int i = 0; i < 1000; ++i) other.next();
  Rng x_a = a.rng().stream("x");
  Rng extra = b.rng().stream("new-component");
  Rng x_b = b.rng().stream("x");
  for (int i = 0; i < 100; ++i) {
    extra.next();
    ASSERT_EQ(x_a.next(), x_b.next()) << "draw " << i;
  }
}

}  // namespace
}  // namespace fleetsim::sim
