#include "scenario/yaml_fields.hpp"

#include <charconv>
#include <cmath>

#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  auto m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

std::string scalar_text(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  return "a mapping";
}

void fail_at(const YAML::Node& node, const std::string& file, const std::string& field,
             const std::string& expected) {
  throw InputError(where(file, line_of(node), field) + ": expected " + expected + ", got " +
                   scalar_text(node));
}

Fields::Fields(const YAML::Node& node, std::string file, std::string path, std::vector<std::string> allowed)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.IsMap())
    fail_at(node_, file_, path_.empty() ? "(top level)" : path_, "a mapping of keys");
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.Scalar();
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == key;
    if (!ok)
      throw InputError(where(file_, line_of(it->first), field(key)) + ": unknown key" +
                       did_you_mean(key, allowed) + "; valid keys here: " + join(allowed, ", "));
  }
}

std::string Fields::field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

bool Fields::has(const std::string& key) const {
  YAML::Node n = node_[key];
  return n.IsDefined() && !n.IsNull();
}

YAML::Node Fields::node(const std::string& key) const {
  if (!has(key))
    throw InputError(where(file_, line_of(node_), field(key)) + ": missing required key");
  return node_[key];
}

void Fields::fail(const std::string& key, const std::string& expected) const {
  YAML::Node n = node_[key];
  fail_at(n.IsDefined() ? n : node_, file_, field(key), expected);
}

std::string Fields::str(const std::string& key) const {
  YAML::Node n = node(key);
  if (!n.IsScalar()) fail(key, "a string");
  return n.Scalar();
}

std::string Fields::str(const std::string& key, const std::string& fallback) const {
  return has(key) ? str(key) : fallback;
}

std::string Fields::one_of(const std::string& key, const std::vector<std::string>& options,
                           const std::string& fallback) const {
  if (!has(key)) return fallback;
  std::string v = str(key);
  for (const auto& o : options)
    if (o == v) return v;
  fail(key, "one of " + join(options, ", ") + did_you_mean(v, options));
}

std::int64_t Fields::integer(const std::string& key, std::int64_t min, std::int64_t max) const {
  YAML::Node n = node(key);
  std::int64_t v = 0;
  std::string s = n.IsScalar() ? n.Scalar() : "";
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  std::string range = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) fail(key, range);
  if (v < min || v > max) fail(key, range);
  return v;
}

std::int64_t Fields::integer(const std::string& key, std::int64_t min, std::int64_t max,
                             std::int64_t fallback) const {
  return has(key) ? integer(key, min, max) : fallback;
}

double Fields::number(const std::string& key, double min, double max) const {
  YAML::Node n = node(key);
  std::string s = n.IsScalar() ? n.Scalar() : "";
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  auto fmt = [](double d) {
    std::string t = std::to_string(d);
    while (t.size() > 1 && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  };
  std::string range = "a number";
  if (std::isfinite(max)) range += " in [" + fmt(min) + ", " + fmt(max) + "]";
  else range += " >= " + fmt(min);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) fail(key, range);
  if (v < min || v > max) fail(key, range);
  return v;
}

double Fields::number(const std::string& key, double min, double max, double fallback) const {
  return has(key) ? number(key, min, max) : fallback;
}

bool Fields::boolean(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  std::string s = str(key);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(key, "true or false");
}

sim::SimTime Fields::duration(const std::string& key) const {
  YAML::Node n = node(key);
  auto d = n.IsScalar() ? sim::parse_duration(n.Scalar()) : std::nullopt;
  if (!d) fail(key, "a duration such as 90s, 10m, 4h, 30d");
  return *d;
}

sim::SimTime Fields::duration(const std::string& key, sim::SimTime fallback) const {
  return has(key) ? duration(key) : fallback;
}

double Fields::rate_per_second(const std::string& key) const {
  std::string s = str(key);
  auto slash = s.find('/');
  const char* expected = "a rate such as 30/h, 2/min or 0.5/s";
  if (slash == std::string::npos) fail(key, expected);
  double count = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + slash, count);
  if (ec != std::errc() || p != s.data() + slash || count < 0 || !std::isfinite(count)) fail(key, expected);
  std::string unit = s.substr(slash + 1);
  if (unit.empty()) fail(key, expected);
  auto per = sim::parse_duration(std::isdigit(static_cast<unsigned char>(unit[0])) ? unit : "1" + unit);
  if (!per || *per <= 0) fail(key, expected);
  return count / sim::to_seconds(*per);
}

}  // namespace fleetsim::scenario
