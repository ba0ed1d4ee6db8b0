#pragma once
// Side-by-side comparison of policy variants over seeds: every variant runs the
// same seeds, so each sees identical arrivals (common random numbers).
#include <ostream>
#include <string>
#include <vector>

#include "analysis/stats.hpp"
#include "analysis/summary.hpp"

namespace fleetsim::analysis {

struct VariantResult {
  std::string label;                // "scheduler.placement=best-fit"
  std::vector<Summary> per_seed;
};

void print_comparison(std::ostream& out, const std::vector<VariantResult>& variants);
void write_comparison_csv(const std::string& path, const std::vector<VariantResult>& variants);

}  // namespace fleetsim::analysis
