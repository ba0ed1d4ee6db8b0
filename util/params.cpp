#include "util/params.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace fleetsim {

namespace {
bool parse_double(const std::string& s, double& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size() && std::isfinite(v);
}
std::string range_text(const ParamSpec& s) {
  std::string r;
  if (std::isfinite(s.min) && std::isfinite(s.max))
    r = " in [" + std::to_string(s.min) + ", " + std::to_string(s.max) + "]";
  else if (std::isfinite(s.min))
    r = " >= " + std::to_string(s.min);
  return r;
}
}  // namespace

std::string param_expectation_failure(const ParamSpec& spec, const std::string& text) {
  double v = 0;
  switch (spec.kind) {
    case ParamKind::integer:
      if (!parse_double(text, v) || v != std::floor(v) || v < spec.min || v > spec.max)
        return "an integer" + range_text(spec);
      return "";
    case ParamKind::number:
      if (!parse_double(text, v) || v < spec.min || v > spec.max) return "a number" + range_text(spec);
      return "";
    case ParamKind::boolean:
      return text == "true" || text == "false" ? "" : "true or false";
    case ParamKind::duration:
      return sim::parse_duration(text) ? "" : "a duration such as 30s, 10m, 1h";
    case ParamKind::text:
      return "";
  }
  return "";
}

Params::Params(const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& values) {
  for (const auto& s : specs) values_[s.name] = s.default_value;
  for (const auto& [k, v] : values) values_[k] = v;
}

const std::string& Params::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("undeclared policy parameter: " + name);
  return it->second;
}

double Params::number(const std::string& name) const { return std::stod(text(name)); }
std::int64_t Params::integer(const std::string& name) const {
  return static_cast<std::int64_t>(std::llround(number(name)));
}
bool Params::boolean(const std::string& name) const { return text(name) == "true"; }
sim::SimTime Params::duration(const std::string& name) const { return *sim::parse_duration(text(name)); }

}  // namespace fleetsim
