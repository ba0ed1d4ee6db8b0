#pragma once
// A progress line for long runs: redrawn on a terminal about twice a second,
// silent when stderr is not a terminal (logs, CI, sweeps).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/time.hpp"

namespace fleetsim::sim {

class Progress {
 public:
  // enabled=false silences it; by default it is on only for a terminal.
  explicit Progress(bool enabled);
  static bool stderr_is_terminal();
  void update(SimTime now, SimTime horizon, std::uint64_t events);
  // Independent runs (sweeps): done/total, runs per second and time left.
  void update_runs(std::size_t done, std::size_t total);
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace fleetsim::sim
