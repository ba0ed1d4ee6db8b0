#pragma once
// Statistics over seeds: the mean and its Student-t 95% confidence interval,
// used by `fleetsim compare` tables and sweep summaries.
#include <cstddef>
#include <vector>

namespace fleetsim::analysis {

struct MeanCI {
  double mean = 0;
  double half_width = 0;  // 95% Student-t; 0 with one sample
  std::size_t n = 0;
};
MeanCI mean_ci95(const std::vector<double>& samples);

}  // namespace fleetsim::analysis
