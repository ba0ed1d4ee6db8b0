#pragma once
// Shared by the workload sources: give a job its PriorityClass by name, the way
// the Kubernetes priority admission plugin does. An empty name takes the global
// default class's value and policy (0 and PreemptLowerPriority when none) and
// keeps priority_class "" as models::Job documents.
#include <string>

#include "models/job.hpp"
#include "models/priority.hpp"

namespace fleetsim::models {

// False (job untouched) when `class_name` is not empty and not defined.
bool apply_priority_class(Job& job, const PriorityClasses& classes, const std::string& class_name);

// "one of the defined priority classes: high, low (did you mean 'high'?)" or
// "a defined priority class (the scenario defines none)", for "expected ..." messages.
std::string expected_priority_class(const PriorityClasses& classes, const std::string& class_name);

}  // namespace fleetsim::models
