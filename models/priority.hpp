#pragma once
// Kubernetes PriorityClass: a name, an int32 value, and whether pods of the class
// may preempt lower-priority pods (preemptionPolicy PreemptLowerPriority) or
// never (Never). Pods without a class get the global default's value, or 0.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace fleetsim::models {

struct PriorityClass {
  std::string name;
  std::int32_t value = 0;
  bool preempts = true;  // preemptionPolicy: PreemptLowerPriority
  bool global_default = false;
};

struct PriorityClasses {
  std::map<std::string, PriorityClass> classes;
  // The class of a pod that names none.
  std::optional<PriorityClass> global_default() const {
    for (const auto& [n, c] : classes)
      if (c.global_default) return c;
    return std::nullopt;
  }
  const PriorityClass* find(const std::string& name) const {
    auto it = classes.find(name);
    return it == classes.end() ? nullptr : &it->second;
  }
};

// Largest value a user PriorityClass may have; higher is reserved for system classes.
inline constexpr std::int32_t kMaxUserPriority = 1'000'000'000;

}  // namespace fleetsim::models
