#pragma once
// Builds the policy a scenario chose, by name, from its registry.
#include <memory>

#include "scenario/policy_yaml.hpp"
#include "util/input_error.hpp"
#include "util/registry.hpp"

namespace fleetsim::world {

template <class Interface>
std::unique_ptr<Interface> make_policy(const scenario::PolicyChoice& c) {
  const auto* e = Registry<Interface>::instance().find(c.name);
  if (!e) throw InputError("unknown policy '" + c.name + "'");
  return e->make(Params(e->params, c.params));
}

}  // namespace fleetsim::world
