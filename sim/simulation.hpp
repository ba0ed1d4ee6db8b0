#pragma once
// One clock, one event queue, named RNG streams. Handlers are registered once per
// event type; scheduling an event stores only (type, payload), so the hot path
// allocates nothing.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/progress.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace fleetsim::sim {

using EventType = std::uint32_t;
using TimerId = std::uint32_t;

struct RunStats {
  SimTime end_time = 0;
  std::uint64_t events = 0;
  bool reached_horizon = false;  // stopped by the horizon with work left
};

class Simulation {
 public:
  using Handler = std::function<void(std::uint64_t payload)>;

  explicit Simulation(std::uint64_t master_seed) : rng_(master_seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  EventType add_handler(std::string name, Handler h);
  const std::string& handler_name(EventType t) const { return names_.at(t); }

  SimTime now() const { return now_; }
  EventHandle at(SimTime t, EventType type, std::uint64_t payload = 0);
  EventHandle after(SimTime dt, EventType type, std::uint64_t payload = 0) {
    return at(now_ + dt, type, payload);
  }
  bool cancel(EventHandle h) { return queue_.cancel(h); }
  bool pending(EventHandle h) const { return queue_.pending(h); }

  // Fires `type` at first, first+period, ... until stopped.
  TimerId every(SimTime period, SimTime first, EventType type, std::uint64_t payload = 0);
  void stop_timer(TimerId id);

  // Runs events until the queue holds nothing before `horizon`, or `done()` is true
  // after an event. Events at exactly `horizon` still run.
  RunStats run(SimTime horizon, const std::function<bool()>& done, Progress* progress = nullptr);

  const RngStreams& rng() const { return rng_; }
  std::size_t pending_events() const { return queue_.size(); }

 private:
  struct Timer {
    SimTime period;
    EventType type;
    std::uint64_t payload;
    EventHandle next;
    bool active;
  };
  void fire_timer(std::uint64_t id);

  SimTime now_ = 0;
  EventQueue queue_;
  RngStreams rng_;
  std::vector<Handler> handlers_;
  std::vector<std::string> names_;
  std::vector<Timer> timers_;
  EventType timer_type_ = UINT32_MAX;
  std::uint64_t events_ = 0;
};

}  // namespace fleetsim::sim
