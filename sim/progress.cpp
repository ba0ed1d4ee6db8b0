#include "sim/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace fleetsim::sim {

Progress::Progress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void Progress::update(SimTime now, SimTime horizon, std::uint64_t events) {
  if (!enabled_) return;
  auto t = std::chrono::steady_clock::now();
  if (t - last_ < std::chrono::milliseconds(500)) return;
  last_ = t;
  double wall = std::chrono::duration<double>(t - start_).count();
  if (horizon != kNever && horizon > 0) {
    double frac = static_cast<double>(now) / static_cast<double>(horizon);
    std::fprintf(stderr, "\r  simulated %s / %s (%3.0f%%), %llu events, %.0f events/s   ",
                 format_duration(now).c_str(), format_duration(horizon).c_str(), 100 * frac,
                 static_cast<unsigned long long>(events), static_cast<double>(events) / (wall > 0 ? wall : 1));
  } else {
    std::fprintf(stderr, "\r  simulated %s, %llu events, %.0f events/s   ",
                 format_duration(now).c_str(), static_cast<unsigned long long>(events),
                 static_cast<double>(events) / (wall > 0 ? wall : 1));
  }
  drawn_ = true;
}

void Progress::update_runs(std::size_t done, std::size_t total) {
  if (!enabled_) return;
  auto t = std::chrono::steady_clock::now();
  if (t - last_ < std::chrono::milliseconds(500) && done < total) return;
  last_ = t;
  const double wall = std::chrono::duration<double>(t - start_).count();
  const double rate = wall > 0 ? static_cast<double>(done) / wall : 0;
  std::string eta = "?";
  if (rate > 0) eta = format_duration(static_cast<SimTime>(static_cast<double>(total - done) / rate * static_cast<double>(kSecond)));
  std::fprintf(stderr, "\r  %zu/%zu runs (%3.0f%%), %.2f runs/s, %s left   ", done, total,
               total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0, rate, eta.c_str());
  drawn_ = true;
}

void Progress::finish() {
  if (drawn_) std::fprintf(stderr, "\r%80s\r", "");
  drawn_ = false;
}

}  // namespace fleetsim::sim
