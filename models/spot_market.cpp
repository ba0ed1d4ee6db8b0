#include "models/spot_market.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "util/csv.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::models {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_range(const char* field, double v, double lo, double hi, bool hi_open) {
  bool ok = std::isfinite(v) && v >= lo && (hi_open ? v < hi : v <= hi);
  if (!ok)
    throw std::invalid_argument(std::string("spot market: ") + field + " must be in [" + fmt(lo) + ", " + fmt(hi) +
                                (hi_open ? ")" : "]") + ", got " + fmt(v));
}

}  // namespace

const char* to_string(CapacityType c) {
  switch (c) {
    case CapacityType::on_demand: return "on-demand";
    case CapacityType::spot: return "spot";
  }
  return "?";
}

std::optional<CapacityType> parse_capacity_type(std::string_view text) {
  std::string s = lower(text);
  if (s == "on-demand" || s == "on_demand" || s == "ondemand") return CapacityType::on_demand;
  if (s == "spot") return CapacityType::spot;
  return std::nullopt;
}

const char* to_string(Cloud c) {
  switch (c) {
    case Cloud::aws: return "aws";
    case Cloud::gcp: return "gcp";
    case Cloud::azure: return "azure";
  }
  return "?";
}

std::optional<Cloud> parse_cloud(std::string_view text) {
  std::string s = lower(text);
  if (s == "aws") return Cloud::aws;
  if (s == "gcp") return Cloud::gcp;
  if (s == "azure") return Cloud::azure;
  return std::nullopt;
}

sim::SimTime default_notice(Cloud c) {
  switch (c) {
    case Cloud::aws: return 120 * sim::kSecond;   // §7.1: 2-minute interruption warning
    case Cloud::gcp: return 30 * sim::kSecond;    // §7.2: 30 s preemption notice
    case Cloud::azure: return 30 * sim::kSecond;  // §7.3: Scheduled Events Preempt, >= 30 s
  }
  return 120 * sim::kSecond;
}

std::optional<InterruptionBucket> parse_bucket(std::string_view label) {
  // Normalise: drop blanks, an en dash (U+2013, UTF-8 E2 80 93) becomes '-', a
  // missing trailing '%' is added.
  std::string s;
  for (std::size_t i = 0; i < label.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(label[i]);
    if (c == ' ' || c == '\t') continue;
    if (c == 0xE2 && i + 2 < label.size() && static_cast<unsigned char>(label[i + 1]) == 0x80 &&
        static_cast<unsigned char>(label[i + 2]) == 0x93) {
      s += '-';
      i += 2;
      continue;
    }
    s += static_cast<char>(c);
  }
  if (!s.empty() && s.back() != '%') s += '%';
  static const InterruptionBucket kBuckets[] = {
      {"<5%", 0.025}, {"5-10%", 0.075}, {"10-15%", 0.125}, {"15-20%", 0.175}, {">20%", 0.25},
  };
  for (const auto& b : kBuckets)
    if (s == b.label) return b;
  return std::nullopt;
}

double rate_per_second(double monthly_probability) {
  if (!(monthly_probability >= 0 && monthly_probability < 1))
    throw std::invalid_argument("monthly interruption probability must be in [0, 1), got " +
                                fmt(monthly_probability));
  return -std::log1p(-monthly_probability) / sim::to_seconds(kBillingMonth);
}

// ---------------------------------------------------------------------------
// SpotPriceSeries

SpotPriceSeries SpotPriceSeries::load_csv(const std::string& path, const std::string& instance_type) {
  CsvReader r(path);
  r.require({"time", "usd_per_hour"});
  const bool filter = !instance_type.empty();
  if (filter) r.require({"instance_type"});
  const bool typed = r.has("instance_type");

  SpotPriceSeries s;
  std::vector<std::string> types_seen;
  std::string first_type;
  int first_type_line = 0;
  while (r.next()) {
    if (typed) {
      const std::string& type = r.str("instance_type");
      if (std::find(types_seen.begin(), types_seen.end(), type) == types_seen.end()) types_seen.push_back(type);
      if (filter) {
        if (type != instance_type) continue;
      } else if (first_type_line == 0) {
        first_type = type;
        first_type_line = r.line();
      } else if (type != first_type) {
        throw InputError(where(path, r.line(), "instance_type") + ": the file holds more than one instance type ('" +
                         first_type + "' on line " + std::to_string(first_type_line) + ", '" + type +
                         "' here); name the one to use");
      }
    }
    sim::SimTime time = r.duration("time");
    if (!s.t.empty() && time <= s.t.back())
      r.fail("time", "a time later than the previous row's " + sim::format_duration(s.t.back()) +
                         " (rows must be in increasing time order)");
    double price = r.non_negative_number("usd_per_hour");
    s.t.push_back(time);
    s.usd_per_hour.push_back(price);
  }
  if (s.t.empty()) {
    if (filter)
      throw InputError(path + ": no rows for instance type '" + instance_type + "'" +
                       did_you_mean(instance_type, types_seen) +
                       (types_seen.empty() ? std::string() : "; the file has: " + join(types_seen, ", ")));
    throw InputError(path + ": no price rows");
  }
  return s;
}

SpotInterruptionTrace SpotInterruptionTrace::load_csv(const std::string& path, const std::string& instance_type) {
  CsvReader r(path);
  r.require({"time"});
  const bool by_nodes = r.has("nodes");
  if (by_nodes == r.has("share"))
    throw InputError(path + ": expected a column `nodes` (nodes reclaimed) or `share` (share of the pool's "
                     "running spot nodes reclaimed), exactly one of them");
  const bool typed = r.has("instance_type");
  SpotInterruptionTrace tr;
  while (r.next()) {
    if (typed && r.str("instance_type") != instance_type) continue;
    const sim::SimTime time = r.duration("time");
    if (!tr.t.empty() && time <= tr.t.back())
      r.fail("time", "a time later than the previous row's " + sim::format_duration(tr.t.back()) +
                         " (rows must be in increasing time order)");
    tr.t.push_back(time);
    if (by_nodes) {
      const std::int64_t n = r.non_negative_integer("nodes");
      if (n < 1) r.fail("nodes", "a whole number of nodes >= 1");
      tr.nodes.push_back(static_cast<int>(std::min<std::int64_t>(n, INT32_MAX)));
      tr.share.push_back(0);
    } else {
      const double x = r.number("share");
      if (!(x > 0 && x <= 1)) r.fail("share", "a share of the pool's running spot nodes in (0, 1]");
      tr.nodes.push_back(0);
      tr.share.push_back(x);
    }
  }
  if (tr.t.empty())
    throw InputError(path + (typed ? ": no rows for instance type '" + instance_type + "'" : ": no interruption rows"));
  return tr;
}

int SpotInterruptionTrace::reclaimed(std::size_t i, int running) const {
  if (running <= 0) return 0;
  const int k = nodes[i] > 0 ? nodes[i] : static_cast<int>(std::ceil(share[i] * running - 1e-9));
  return std::clamp(k, 1, running);
}

double SpotPriceSeries::at(sim::SimTime at_time) const {
  if (t.empty()) return 0;
  auto it = std::upper_bound(t.begin(), t.end(), at_time);  // first point after at_time
  if (it == t.begin()) return usd_per_hour.front();
  return usd_per_hour[static_cast<std::size_t>(it - t.begin()) - 1];
}

double SpotPriceSeries::integral_usd(sim::SimTime from, sim::SimTime to) const {
  if (t.empty() || to <= from) return 0;
  // idx = the first point after `cur`; the price in effect is the one before it
  // (the first price before t[0]).
  std::size_t idx = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), from) - t.begin());
  double usd_us_per_hour = 0;  // Σ price × microseconds
  sim::SimTime cur = from;
  while (cur < to) {
    double price = usd_per_hour[idx == 0 ? 0 : idx - 1];
    sim::SimTime end = idx < t.size() ? std::min(to, t[idx]) : to;
    usd_us_per_hour += price * static_cast<double>(end - cur);
    cur = end;
    ++idx;
  }
  return usd_us_per_hour / static_cast<double>(sim::kHour);
}

// ---------------------------------------------------------------------------
// SpotMarket

SpotMarket::SpotMarket(SpotMarketSpec spec, double on_demand_usd_per_hour)
    : spec_(std::move(spec)), on_demand_(on_demand_usd_per_hour) {
  if (!(std::isfinite(on_demand_) && on_demand_ >= 0))
    throw std::invalid_argument("spot market: on-demand price must be a non-negative number, got " + fmt(on_demand_));
  check_range("discount", spec_.discount, 0, 1, false);
  check_range("monthly_interruption_probability", spec_.monthly_interruption_probability, 0, 1, true);
  check_range("correlated_share", spec_.correlated_share, 0, 1, false);
  check_range("capacity_shortage_probability", spec_.capacity_shortage_probability, 0, 1, false);
  if (spec_.notice < 0) throw std::invalid_argument("spot market: notice must not be negative");
  if (spec_.series) {
    const auto& s = *spec_.series;
    if (s.t.empty() || s.t.size() != s.usd_per_hour.size())
      throw std::invalid_argument("spot market: the price series must have one price per time and at least one point");
    for (std::size_t i = 0; i < s.t.size(); ++i) {
      if (i > 0 && s.t[i] <= s.t[i - 1])
        throw std::invalid_argument("spot market: price series times must increase strictly");
      if (!(std::isfinite(s.usd_per_hour[i]) && s.usd_per_hour[i] >= 0))
        throw std::invalid_argument("spot market: price series prices must be non-negative numbers");
    }
  }
  if (spec_.trace && spec_.monthly_interruption_probability > 0)
    throw std::invalid_argument("spot market: interruptions come from a trace or a probability, not both");
  rate_ = rate_per_second(spec_.monthly_interruption_probability);
}

double SpotMarket::price_at(sim::SimTime t) const {
  if (spec_.series) return spec_.series->at(t);
  return on_demand_ * (1.0 - spec_.discount);
}

int SpotMarket::reclaimed_per_event(int nodes) const {
  if (nodes <= 0) return 0;
  if (spec_.correlated_share <= 0) return 1;
  // The small slack keeps products such as 0.1 × 30 = 3.0000000000000004 from
  // rounding up to 4.
  double k = std::ceil(spec_.correlated_share * static_cast<double>(nodes) - 1e-9);
  return std::clamp(static_cast<int>(k), 1, nodes);
}

sim::SimTime SpotMarket::next_event(sim::Rng& rng, sim::SimTime now, int nodes) const {
  if (nodes <= 0 || rate_ <= 0) return sim::kNever;
  // See the header: events at rate × nodes / k, each taking k nodes, keep the
  // per-node rate at `rate_` in both modes (k = 1 when independent).
  const double k = static_cast<double>(reclaimed_per_event(nodes));
  const double events_per_second = rate_ * static_cast<double>(nodes) / k;
  const double wait_us = rng.exponential(1.0 / events_per_second) * static_cast<double>(sim::kSecond);
  // Beyond ~127,000 years: never (and no int64 overflow).
  if (!(wait_us < 4e18)) return sim::kNever;
  // At least 1 µs, so an event never lands at the instant it was drawn.
  const sim::SimTime wait = std::max<sim::SimTime>(1, std::llround(wait_us));
  if (now > sim::kNever - wait) return sim::kNever;
  return now + wait;
}

bool SpotMarket::launch_fails(sim::Rng& rng) const {
  if (spec_.capacity_shortage_probability <= 0) return false;
  return rng.uniform01() < spec_.capacity_shortage_probability;
}

double SpotMarket::charge_usd(sim::SimTime launched, sim::SimTime stopped, bool interrupted_by_provider,
                              sim::SimTime minimum) const {
  const sim::SimTime runtime = std::max<sim::SimTime>(0, stopped - launched);
  // §7.1: interrupted by EC2 within the first instance-hour → no charge.
  if (interrupted_by_provider && runtime < sim::kHour) return 0;
  // §8.1: per second, with a minimum per instance start.
  const sim::SimTime billed = std::max(runtime, std::max<sim::SimTime>(0, minimum));
  const sim::SimTime end = launched > sim::kNever - billed ? sim::kNever : launched + billed;
  if (spec_.series) return spec_.series->integral_usd(launched, end);
  return price_at(launched) * static_cast<double>(end - launched) / static_cast<double>(sim::kHour);
}

}  // namespace fleetsim::models
