#pragma once
// Models emit, recorders store: the world reports counters and time-weighted
// gauges here; writers in analysis/ turn what a recorder kept into files.
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace fleetsim::sim {

using SeriesId = std::uint32_t;

class Recorder {
 public:
  virtual ~Recorder() = default;
  // Declares a named series once; later calls use the id (no string work per event).
  virtual SeriesId series(std::string_view name, std::string_view unit) = 0;
  // A step function: `value` holds from `t` until the next sample of the same series.
  virtual void gauge(SeriesId id, SimTime t, double value) = 0;
  virtual void count(std::string_view counter, double delta) = 0;
};

// Discards everything (benchmarks, sweeps that only want the summary).
class NullRecorder final : public Recorder {
 public:
  SeriesId series(std::string_view, std::string_view) override { return 0; }
  void gauge(SeriesId, SimTime, double) override {}
  void count(std::string_view, double) override {}
};

}  // namespace fleetsim::sim
