#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <unordered_map>
#include <vector>

namespace fleetsim::sim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue q;
  q.push(30, 0, 3);
  q.push(10, 0, 1);
  q.push(20, 0, 2);
  q.push(5, 0, 0);
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.next_time(), 5);
  std::vector<std::uint64_t> order;
  std::vector<SimTime> times;
  while (auto e = q.pop()) {
    order.push_back(e->payload);
    times.push_back(e->time);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(times, (std::vector<SimTime>{5, 10, 20, 30}));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.next_time(), kNever);
  EXPECT_FALSE(q.pop().has_value());
}

TEST(EventQueue, CarriesTypeAndPayload) {
  EventQueue q;
  q.push(7, 42, 0xDEADBEEFCAFEull);
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->time, 7);
  EXPECT_EQ(e->type, 42u);
  EXPECT_EQ(e->payload, 0xDEADBEEFCAFEull);
}

TEST(EventQueue, TiesComeOutInSchedulingOrder) {
  EventQueue q;
  // Interleave pushes at one instant with pushes at other instants so heap
  // reshuffling has a chance to disturb the order of the tied ones.
  constexpr std::uint64_t kTied = 1000;
  for (std::uint64_t i = 0; i < kTied; ++i) {
    q.push(100, 1, i);
    q.push(static_cast<SimTime>(200 + (i * 7919) % 1000), 2, i);
    if (i % 3 == 0) q.push(static_cast<SimTime>(i % 100), 3, i);
  }
  // Everything before 100 first.
  SimTime last = -1;
  for (;;) {
    ASSERT_FALSE(q.empty());
    if (q.next_time() >= 100) break;
    auto e = q.pop();
    EXPECT_GE(e->time, last);
    last = e->time;
  }
  for (std::uint64_t i = 0; i < kTied; ++i) {
    auto e = q.pop();
    ASSERT_TRUE(e);
    ASSERT_EQ(e->time, 100);
    ASSERT_EQ(e->type, 1u);
    ASSERT_EQ(e->payload, i) << "tie at t=100 not FIFO";
  }
  EXPECT_EQ(q.size(), kTied);
}

TEST(EventQueue, CancelledEventNeverPops) {
  EventQueue q;
  auto a = q.push(10, 0, 1);
  auto b = q.push(20, 0, 2);
  auto c = q.push(30, 0, 3);
  EXPECT_TRUE(q.pending(b));
  EXPECT_TRUE(q.cancel(b));
  EXPECT_FALSE(q.pending(b));
  EXPECT_FALSE(q.cancel(b)) << "second cancel must report nothing was pending";
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop()->payload, 1u);
  EXPECT_EQ(q.pop()->payload, 3u);
  EXPECT_FALSE(q.pop().has_value());
  (void)a;
  (void)c;
}

TEST(EventQueue, CancelTheEarliestUpdatesNextTime) {
  EventQueue q;
  auto a = q.push(10, 0, 1);
  q.push(20, 0, 2);
  EXPECT_EQ(q.next_time(), 10);
  EXPECT_TRUE(q.cancel(a));
  EXPECT_EQ(q.next_time(), 20);
  EXPECT_EQ(q.size(), 1u);
}

TEST(EventQueue, PoppedHandleIsNoLongerPending) {
  EventQueue q;
  auto a = q.push(10, 0, 1);
  EXPECT_TRUE(q.pending(a));
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->seq, a.seq);
  EXPECT_FALSE(q.pending(a));
  EXPECT_FALSE(q.cancel(a));
}

TEST(EventQueue, DefaultHandleNamesNothing) {
  EventQueue q;
  q.push(1, 0, 0);
  EventHandle none;
  EXPECT_FALSE(static_cast<bool>(none));
  EXPECT_FALSE(q.pending(none));
  EXPECT_FALSE(q.cancel(none));
  EXPECT_EQ(q.size(), 1u);
}

TEST(EventQueue, SlotReuseDoesNotLetOldHandleCancelNewEvent) {
  EventQueue q;
  auto old_cancelled = q.push(10, 0, 1);
  ASSERT_TRUE(q.cancel(old_cancelled));
  auto fresh = q.push(10, 0, 2);
  ASSERT_EQ(fresh.slot, old_cancelled.slot) << "test premise: the freed slot is reused";
  EXPECT_FALSE(q.pending(old_cancelled));
  EXPECT_FALSE(q.cancel(old_cancelled));
  EXPECT_TRUE(q.pending(fresh));
  EXPECT_EQ(q.size(), 1u);

  // Same after a pop frees the slot.
  auto popped = q.pop();
  ASSERT_TRUE(popped);
  EXPECT_EQ(popped->payload, 2u);
  auto newer = q.push(5, 0, 3);
  ASSERT_EQ(newer.slot, fresh.slot);
  EXPECT_FALSE(q.cancel(fresh));
  EXPECT_TRUE(q.pending(newer));
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload, 3u);
}

TEST(EventQueue, SizeCountsLiveEventsOnly) {
  EventQueue q;
  std::vector<EventHandle> hs;
  for (int i = 0; i < 10; ++i) hs.push_back(q.push(i, 0, static_cast<std::uint64_t>(i)));
  EXPECT_EQ(q.size(), 10u);
  for (int i = 0; i < 10; i += 2) q.cancel(hs[static_cast<std::size_t>(i)]);
  EXPECT_EQ(q.size(), 5u);
  q.pop();
  EXPECT_EQ(q.size(), 4u);
  int n = 0;
  while (q.pop()) ++n;
  EXPECT_EQ(n, 4);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_TRUE(q.empty());
}

// Differential test against a std::multimap: equal keys keep insertion order in
// a multimap, which is exactly the FIFO tie rule.
TEST(EventQueue, MatchesReferenceMultimap) {
  EventQueue q;
  std::multimap<SimTime, std::uint64_t> ref;  // time -> id
  std::unordered_map<std::uint64_t, std::multimap<SimTime, std::uint64_t>::iterator> live;
  std::vector<std::pair<EventHandle, std::uint64_t>> issued;  // every handle ever handed out
  std::mt19937_64 gen(12345);
  std::uint64_t next_id = 0;
  SimTime now = 0;  // pops only move forward, like a simulation
  int pops = 0, cancels = 0, stale_cancels = 0;

  for (int op = 0; op < 100'000; ++op) {
    const auto r = gen() % 100;
    if (r < 50) {
      // Small time range: many ties.
      const SimTime t = now + static_cast<SimTime>(gen() % 50);
      const std::uint64_t id = next_id++;
      auto h = q.push(t, static_cast<std::uint32_t>(id % 7), id);
      live[id] = ref.emplace(t, id);
      issued.emplace_back(h, id);
    } else if (r < 75) {
      auto e = q.pop();
      if (ref.empty()) {
        ASSERT_FALSE(e.has_value()) << "op " << op;
      } else {
        ASSERT_TRUE(e.has_value()) << "op " << op;
        auto first = ref.begin();
        ASSERT_EQ(e->time, first->first) << "op " << op;
        ASSERT_EQ(e->payload, first->second) << "op " << op;
        ASSERT_EQ(e->type, static_cast<std::uint32_t>(first->second % 7));
        live.erase(first->second);
        ref.erase(first);
        now = e->time;
        ++pops;
      }
    } else if (!issued.empty()) {
      // Any handle ever issued: live, popped or already cancelled.
      const auto& [h, id] = issued[gen() % issued.size()];
      const bool expect = live.count(id) > 0;
      ASSERT_EQ(q.pending(h), expect) << "op " << op;
      ASSERT_EQ(q.cancel(h), expect) << "op " << op;
      ASSERT_FALSE(q.pending(h));
      if (expect) {
        ref.erase(live[id]);
        live.erase(id);
        ++cancels;
      } else {
        ++stale_cancels;
      }
    }
    ASSERT_EQ(q.size(), ref.size()) << "op " << op;
    if (op % 97 == 0) {
      ASSERT_EQ(q.next_time(), ref.empty() ? kNever : ref.begin()->first);
    }
  }
  // Drain.
  while (!ref.empty()) {
    auto e = q.pop();
    ASSERT_TRUE(e);
    ASSERT_EQ(e->payload, ref.begin()->second);
    ref.erase(ref.begin());
  }
  EXPECT_FALSE(q.pop().has_value());
  // The mix really exercised every branch.
  EXPECT_GT(pops, 10'000);
  EXPECT_GT(cancels, 1'000);
  EXPECT_GT(stale_cancels, 1'000);
}

}  // namespace
}  // namespace fleetsim::sim
