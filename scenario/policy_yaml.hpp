#pragma once
// A policy picked by name in a scenario (`placement: best-fit`, or a mapping
// `{policy: hpa, max_replicas: 8}`), checked against the policy's registry entry:
// the name must be registered and every parameter must be declared and valid.
#include <map>
#include <string>

#include "scenario/yaml_fields.hpp"
#include "util/registry.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

struct PolicyChoice {
  std::string name;
  std::map<std::string, std::string> params;  // validated against the policy's declaration
};

// Reads `parent.key` (absent: `fallback` with default parameters). Throws InputError.
template <class Interface>
PolicyChoice parse_policy(const Fields& parent, const std::string& key, const std::string& fallback) {
  PolicyChoice c{fallback, {}};
  if (!parent.has(key)) return c;
  YAML::Node n = parent.node(key);
  const auto& reg = Registry<Interface>::instance();
  YAML::Node name_node = n;
  if (n.IsMap()) {
    std::vector<std::string> allowed{"policy"};
    std::string pname = n["policy"].IsDefined() && n["policy"].IsScalar() ? n["policy"].Scalar() : "";
    const auto* entry = reg.find(pname);
    if (entry)
      for (const auto& p : entry->params) allowed.push_back(p.name);
    Fields f(n, parent.file(), parent.field(key), allowed);
    name_node.reset(f.node("policy"));  // reset, not =: assigning through a handle would overwrite n
  }
  if (!name_node.IsScalar()) fail_at(name_node, parent.file(), parent.field(key), "a policy name");
  c.name = name_node.Scalar();
  const auto* entry = reg.find(c.name);
  if (!entry)
    fail_at(name_node, parent.file(), parent.field(key),
            "one of " + join(reg.names(), ", ") + did_you_mean(c.name, reg.names()));
  if (n.IsMap()) {
    for (const auto& spec : entry->params) {
      YAML::Node v = n[spec.name];
      if (!v.IsDefined() || v.IsNull()) continue;
      std::string text = v.IsScalar() ? v.Scalar() : "";
      std::string expected = param_expectation_failure(spec, text);
      if (!v.IsScalar() || !expected.empty())
        fail_at(v, parent.file(), parent.field(key) + "." + spec.name, expected.empty() ? "a value" : expected);
      c.params[spec.name] = text;
    }
  }
  return c;
}

}  // namespace fleetsim::scenario
