#pragma once
#include <ostream>

#include "analysis/summary.hpp"

namespace fleetsim::analysis {

// The summary a person reads in ten seconds.
void print_summary(std::ostream& out, const Summary& s);
std::string human_duration(double seconds);  // "42s", "3.5m", "2.1h", "1.3d"

}  // namespace fleetsim::analysis
