#pragma once
// Simulation time: int64 microseconds since scenario start. Integer time gives a
// total order of events on every machine (no floating-point clock).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetsim::sim {

using SimTime = std::int64_t;

inline constexpr SimTime kMicrosecond = 1;
inline constexpr SimTime kMillisecond = 1000;
inline constexpr SimTime kSecond = 1000 * kMillisecond;
inline constexpr SimTime kMinute = 60 * kSecond;
inline constexpr SimTime kHour = 60 * kMinute;
inline constexpr SimTime kDay = 24 * kHour;
inline constexpr SimTime kNever = INT64_MAX;

// Parses "90s", "10m", "4h", "30d", "250ms", "1.5h", "1h30m" or a bare number of
// seconds ("3600"). Returns nullopt for anything else (negative values included).
std::optional<SimTime> parse_duration(std::string_view text);

// "1d 02:03:04" style for people; "45.2s" for short spans.
std::string format_duration(SimTime t);

inline double to_seconds(SimTime t) { return static_cast<double>(t) / kSecond; }
inline double to_hours(SimTime t) { return static_cast<double>(t) / kHour; }
// Rounds to the nearest microsecond.
SimTime from_seconds(double s);

}  // namespace fleetsim::sim
