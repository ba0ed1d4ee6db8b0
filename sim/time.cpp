#include "sim/time.hpp"

#include <cmath>
#include <cstdio>

namespace fleetsim::sim {

namespace {
std::optional<SimTime> unit_scale(std::string_view u) {
  if (u == "us") return kMicrosecond;
  if (u == "ms") return kMillisecond;
  if (u == "s" || u.empty()) return kSecond;
  if (u == "m" || u == "min") return kMinute;
  if (u == "h") return kHour;
  if (u == "d") return kDay;
  if (u == "w") return 7 * kDay;
  return std::nullopt;
}
}  // namespace

std::optional<SimTime> parse_duration(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    bool dot = false;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && !dot))) {
      dot = dot || text[i] == '.';
      ++i;
    }
    if (i == start) return std::nullopt;
    std::string num(text.substr(start, i - start));
    if (num == ".") return std::nullopt;
    size_t ustart = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z'))) ++i;
    auto scale = unit_scale(text.substr(ustart, i - ustart));
    if (!scale) return std::nullopt;
    // A bare number is only allowed alone ("3600"), not inside "1h30".
    if (ustart == i && (any || i != text.size())) return std::nullopt;
    total += std::stod(num) * static_cast<double>(*scale);
    any = true;
  }
  if (!std::isfinite(total) || total > 9.0e18) return std::nullopt;
  return static_cast<SimTime>(std::llround(total));
}

SimTime from_seconds(double s) { return static_cast<SimTime>(std::llround(s * kSecond)); }

std::string format_duration(SimTime t) {
  char buf[64];
  if (t < 0) return std::string(1, '-').append(format_duration(-t));
  if (t < kMinute) {
    std::snprintf(buf, sizeof buf, "%.1fs", to_seconds(t));
    return buf;
  }
  long long s = t / kSecond;
  long long d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60, sec = s % 60;
  if (d > 0)
    std::snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", d, h, m, sec);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", h, m, sec);
  return buf;
}

}  // namespace fleetsim::sim
