#pragma once
// Keeps every series in memory as a step function, dropping repeats: a sample
// equal to the last is not stored, a second sample at the same instant replaces
// the first.
#include <map>
#include <string>
#include <vector>

#include "sim/recorder.hpp"

namespace fleetsim::analysis {

struct Series {
  std::string name;
  std::string unit;
  std::vector<double> t_s;
  std::vector<double> value;
  // Time-weighted mean over [0, end].
  double time_mean(double end_s) const;
};

class MemoryRecorder final : public sim::Recorder {
 public:
  sim::SeriesId series(std::string_view name, std::string_view unit) override;
  void gauge(sim::SeriesId id, sim::SimTime t, double value) override;
  void count(std::string_view counter, double delta) override { counters_[std::string(counter)] += delta; }
  const std::vector<Series>& all() const { return series_; }
  const Series* find(const std::string& name) const;
  const std::map<std::string, double>& counters() const { return counters_; }

 private:
  std::vector<Series> series_;
  std::map<std::string, double> counters_;
};

}  // namespace fleetsim::analysis
