#include "analysis/memory_recorder.hpp"

namespace fleetsim::analysis {

double Series::time_mean(double end_s) const {
  if (t_s.empty() || end_s <= 0) return value.empty() ? 0 : value.back();
  double area = 0;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    double until = i + 1 < t_s.size() ? t_s[i + 1] : end_s;
    if (until > end_s) until = end_s;
    if (until > t_s[i]) area += value[i] * (until - t_s[i]);
  }
  return area / end_s;
}

sim::SeriesId MemoryRecorder::series(std::string_view name, std::string_view unit) {
  for (std::size_t i = 0; i < series_.size(); ++i)
    if (series_[i].name == name) return static_cast<sim::SeriesId>(i);
  series_.push_back(Series{std::string(name), std::string(unit), {}, {}});
  return static_cast<sim::SeriesId>(series_.size() - 1);
}

void MemoryRecorder::gauge(sim::SeriesId id, sim::SimTime t, double value) {
  Series& s = series_[id];
  const double ts = sim::to_seconds(t);
  if (!s.t_s.empty() && s.t_s.back() == ts) {
    s.value.back() = value;
    // The replacement may now repeat the sample before it.
    if (s.value.size() >= 2 && s.value[s.value.size() - 2] == value) {
      s.t_s.pop_back();
      s.value.pop_back();
    }
    return;
  }
  if (!s.value.empty() && s.value.back() == value) return;
  s.t_s.push_back(ts);
  s.value.push_back(value);
}

const Series* MemoryRecorder::find(const std::string& name) const {
  for (const auto& s : series_)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace fleetsim::analysis
