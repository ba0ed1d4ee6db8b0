#pragma once
// Side-by-side comparison of policy variants over seeds: every variant runs the
// same seeds, so each sees identical arrivals (common random numbers).
#include <ostream>
#include <string>
#include <vector>

#include "analysis/summary.hpp"

namespace fleetsim::analysis {

struct MeanCI {
  double mean = 0;
  double half_width = 0;  // 95% Student-t; 0 with one sample
  std::size_t n = 0;
};
MeanCI mean_ci95(const std::vector<double>& samples);

struct VariantResult {
  std::string label;                // "scheduler.placement=best-fit"
  std::vector<Summary> per_seed;
};

void print_comparison(std::ostream& out, const std::vector<VariantResult>& variants);
void write_comparison_csv(const std::string& path, const std::vector<VariantResult>& variants);

}  // namespace fleetsim::analysis
