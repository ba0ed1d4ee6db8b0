// The Student-t 95% interval of compare tables and sweep summaries: a
// hand-computed case, and coverage of a known normal mean.
#include <gtest/gtest.h>

#include "analysis/stats.hpp"
#include "sim/rng.hpp"

namespace fleetsim {
namespace {

TEST(MeanCi95, HandComputed) {
  // {1, 2, 3}: mean 2, sd 1, t(0.975; 2 df) = 4.302653, half-width 4.302653 / sqrt(3).
  auto c = analysis::mean_ci95({1, 2, 3});
  EXPECT_EQ(c.n, 3u);
  EXPECT_DOUBLE_EQ(c.mean, 2);
  EXPECT_NEAR(c.half_width, 2.484138, 1e-6);
  EXPECT_EQ(analysis::mean_ci95({5}).half_width, 0);
  EXPECT_EQ(analysis::mean_ci95({}).n, 0u);
}

// Intervals from 5 samples of N(10, 3^2) cover 10 in 95% of 4000 repetitions,
// within 0.01 (three standard errors of a proportion over 4000 trials is 0.0103).
// The seed is fixed, so the test is deterministic; a wrong quantile (normal
// instead of t: 88%) or a wrong degrees of freedom would fail it.
TEST(MeanCi95, CoversAKnownNormalMean) {
  sim::Rng rng(2024);
  const int reps = 4000;
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    std::vector<double> x;
    for (int i = 0; i < 5; ++i) x.push_back(10 + 3 * rng.normal());
    auto c = analysis::mean_ci95(x);
    covered += std::abs(c.mean - 10) <= c.half_width;
  }
  EXPECT_NEAR(static_cast<double>(covered) / reps, 0.95, 0.01);
}

}  // namespace
}  // namespace fleetsim
