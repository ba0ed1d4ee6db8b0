#include "sim/event_queue.hpp"

namespace fleetsim::sim {

// A 4-ary heap: shallower than a binary heap, so fewer cache misses per pop.
static constexpr std::size_t kArity = 4;

EventHandle EventQueue::push(SimTime time, std::uint32_t type, std::uint64_t payload) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const std::uint64_t seq = next_seq_++;
  slots_[slot] = seq;
  heap_.push_back(Entry{time, seq, slot, type, payload});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventHandle{slot, seq};
}

bool EventQueue::cancel(EventHandle h) {
  if (!pending(h)) return false;
  slots_[h.slot] = 0;
  free_.push_back(h.slot);
  --live_;
  ++dead_;
  return true;
}

void EventQueue::drop_dead_top() {
  // Without cancellations every entry is live: no slot lookup on the hot path.
  while (dead_ > 0 && !heap_.empty() && slots_[heap_.front().slot] != heap_.front().seq) {
    pop_top();
    --dead_;
  }
}

SimTime EventQueue::next_time() {
  drop_dead_top();
  return heap_.empty() ? kNever : heap_.front().time;
}

std::optional<Event> EventQueue::pop() {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  const Entry& top = heap_.front();
  Event ev{top.time, top.seq, top.type, top.payload};
  slots_[top.slot] = 0;
  free_.push_back(top.slot);
  --live_;
  pop_top();
  return ev;
}

void EventQueue::pop_top() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::sift_up(std::size_t i) {
  Entry e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!later(heap_[parent], e)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Entry e = heap_[i];
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    std::size_t last = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < last; ++c)
      if (later(heap_[best], heap_[c])) best = c;
    if (!later(e, heap_[best])) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

}  // namespace fleetsim::sim
