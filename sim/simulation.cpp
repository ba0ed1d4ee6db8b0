#include "sim/simulation.hpp"

#include <stdexcept>

namespace fleetsim::sim {

EventType Simulation::add_handler(std::string name, Handler h) {
  handlers_.push_back(std::move(h));
  names_.push_back(std::move(name));
  return static_cast<EventType>(handlers_.size() - 1);
}

EventHandle Simulation::at(SimTime t, EventType type, std::uint64_t payload) {
  if (t < now_) throw std::logic_error("event scheduled in the past: " + names_.at(type));
  if (type >= handlers_.size()) throw std::logic_error("event type without handler");
  return queue_.push(t, type, payload);
}

TimerId Simulation::every(SimTime period, SimTime first, EventType type, std::uint64_t payload) {
  if (period <= 0) throw std::logic_error("timer period must be positive");
  if (timer_type_ == UINT32_MAX)
    timer_type_ = add_handler("timer", [this](std::uint64_t id) { fire_timer(id); });
  TimerId id = static_cast<TimerId>(timers_.size());
  timers_.push_back(Timer{period, type, payload, {}, true});
  timers_[id].next = at(first, timer_type_, id);
  return id;
}

void Simulation::stop_timer(TimerId id) {
  Timer& t = timers_.at(id);
  t.active = false;
  queue_.cancel(t.next);
}

void Simulation::fire_timer(std::uint64_t id) {
  // Schedule the next tick before running the handler, so a handler that stops
  // its own timer cancels the tick it would otherwise leave behind.
  Timer& t = timers_[id];
  t.next = at(now_ + t.period, timer_type_, id);
  const EventType type = t.type;
  const std::uint64_t payload = t.payload;
  handlers_[type](payload);
}

RunStats Simulation::run(SimTime horizon, const std::function<bool()>& done, Progress* progress) {
  RunStats stats;
  for (;;) {
    if (done && done()) break;
    const SimTime next = queue_.next_time();
    if (next == kNever) break;
    if (next > horizon) {
      stats.reached_horizon = true;
      now_ = horizon;
      break;
    }
    Event ev = *queue_.pop();
    now_ = ev.time;
    ++events_;
    handlers_[ev.type](ev.payload);
    if (progress && (events_ & 0xFFF) == 0) progress->update(now_, horizon, events_);
  }
  if (progress) progress->finish();
  stats.end_time = now_;
  stats.events = events_;
  return stats;
}

}  // namespace fleetsim::sim
