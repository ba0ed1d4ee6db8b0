#pragma once
// Pending events ordered by (time, sequence). The sequence number is assigned at
// scheduling time, so events at the same instant run in the order they were
// scheduled: runs are deterministic.
//
// Cancellation by handle without searching the heap: each event owns a slot whose
// stored sequence number identifies the current occupant. Cancelling frees the slot;
// the stale heap entry no longer matches its slot and is skipped when popped.
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/time.hpp"

namespace fleetsim::sim {

struct EventHandle {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;  // 0 never names an event
  explicit operator bool() const { return seq != 0; }
};

struct Event {
  SimTime time;
  std::uint64_t seq;
  std::uint32_t type;
  std::uint64_t payload;
};

class EventQueue {
 public:
  EventHandle push(SimTime time, std::uint32_t type, std::uint64_t payload);
  // True when the event was still pending (and is now cancelled).
  bool cancel(EventHandle h);
  bool pending(EventHandle h) const {
    return h.seq != 0 && h.slot < slots_.size() && slots_[h.slot] == h.seq;
  }
  // Removes and returns the earliest live event.
  std::optional<Event> pop();
  // Time of the earliest live event, kNever when none.
  SimTime next_time();
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

 private:
  // The heap holds whole events (32 bytes), so popping reads no other memory;
  // a slot only records its occupant's sequence, for pending() and cancel().
  struct Entry {
    SimTime time;
    std::uint64_t seq;
    std::uint32_t slot;
    std::uint32_t type;
    std::uint64_t payload;
  };
  static bool later(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void pop_top();
  void drop_dead_top();

  std::vector<Entry> heap_;
  std::vector<std::uint64_t> slots_;  // occupant's sequence, 0 when free
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 1;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;  // cancelled entries still in the heap
};

}  // namespace fleetsim::sim
