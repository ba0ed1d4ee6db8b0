#pragma once
// Typed policy parameters, declared next to the policy that reads them (name,
// kind, default, help). The scenario loader checks a scenario's values against
// the declarations; a policy reads them with typed getters.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace fleetsim {

enum class ParamKind { integer, number, boolean, text, duration };

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::number;
  std::string default_value;
  std::string help;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

// Checks `text` against `spec`; returns "" when valid, else what was expected.
std::string param_expectation_failure(const ParamSpec& spec, const std::string& text);

class Params {
 public:
  Params() = default;
  // Defaults from the specs, overridden by `values` (already validated).
  Params(const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& values);
  const std::string& text(const std::string& name) const;
  double number(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  bool boolean(const std::string& name) const;
  sim::SimTime duration(const std::string& name) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace fleetsim
