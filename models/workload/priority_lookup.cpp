#include "models/workload/priority_lookup.hpp"

#include <vector>

#include "util/suggest.hpp"

namespace fleetsim::models {

bool apply_priority_class(Job& job, const PriorityClasses& classes, const std::string& class_name) {
  if (class_name.empty()) {
    auto def = classes.global_default();
    job.priority_class.clear();
    job.priority = def ? def->value : 0;
    job.preempts = def ? def->preempts : true;
    return true;
  }
  const PriorityClass* c = classes.find(class_name);
  if (c == nullptr) return false;
  job.priority_class = c->name.empty() ? class_name : c->name;
  job.priority = c->value;
  job.preempts = c->preempts;
  return true;
}

std::string expected_priority_class(const PriorityClasses& classes, const std::string& class_name) {
  if (classes.classes.empty()) return "a defined priority class (the scenario defines none)";
  std::vector<std::string> names;
  for (const auto& [n, c] : classes.classes) names.push_back(n);
  return "one of the defined priority classes: " + join(names, ", ") + did_you_mean(class_name, names);
}

}  // namespace fleetsim::models
