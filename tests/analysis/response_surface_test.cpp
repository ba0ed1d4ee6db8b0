// Main effects and response surfaces (effects.csv, surface.csv): the fit
// recovers a known quadratic exactly and, with noise of a fixed seed, within
// its standard errors; main effects by hand on a 2x2 grid; parameters that are
// not numeric are excluded with the reason; too few points skip a model with
// the reason.
#include "analysis/response_surface.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "analysis/sweep_design.hpp"
#include "sim/rng.hpp"

namespace fleetsim {
namespace {

using analysis::ParameterColumn;
using analysis::SurfaceFit;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The runs of a grid over x and z, each point `reps` times, as parameter
// columns (value texts, as a sweep applies them) and y = f(x, z) + noise().
struct Grid {
  std::vector<ParameterColumn> params{{"x", {}}, {"z", {}}};
  std::vector<double> y;
};

template <class F, class Noise>
Grid grid(const std::vector<double>& xs, const std::vector<double>& zs, int reps, F f, Noise noise) {
  Grid g;
  for (double x : xs)
    for (double z : zs)
      for (int r = 0; r < reps; ++r) {
        g.params[0].values.push_back(analysis::number_text(x));
        g.params[1].values.push_back(analysis::number_text(z));
        g.y.push_back(f(x, z) + noise());
      }
  return g;
}

double truth(double x, double z) { return 3 + 2 * x - 0.5 * x * x + 1.5 * x * z; }

std::map<std::string, double> coefficients(const SurfaceFit& f) {
  return {f.coefficients.begin(), f.coefficients.end()};
}

TEST(ResponseSurface, RecoversAKnownQuadraticExactly) {
  // Off-centre levels, so the conversion from coded units is exercised.
  const auto g = grid({1, 2, 3, 4}, {0, 1, 2}, 1, truth, [] { return 0.0; });
  const auto r = analysis::numeric_regressors(g.params);
  ASSERT_EQ(r.names, (std::vector<std::string>{"x", "z"}));
  EXPECT_TRUE(r.excluded.empty());
  const auto q = analysis::fit_quadratic(r, g.y);
  ASSERT_EQ(q.skipped, "");
  EXPECT_EQ(q.model, "quadratic");
  EXPECT_EQ(q.runs, 12u);
  std::vector<std::string> terms;
  for (const auto& [term, b] : q.coefficients) terms.push_back(term);
  EXPECT_EQ(terms, (std::vector<std::string>{"intercept", "x", "z", "x^2", "z^2", "x*z"}));
  const std::map<std::string, double> expected{{"intercept", 3}, {"x", 2},   {"z", 0},
                                               {"x^2", -0.5},    {"z^2", 0}, {"x*z", 1.5}};
  const auto b = coefficients(q);
  for (const auto& [term, value] : expected) EXPECT_NEAR(b.at(term), value, 1e-9) << term;
  EXPECT_NEAR(q.r2, 1, 1e-9);
  EXPECT_NEAR(q.adj_r2, 1, 1e-9);
  EXPECT_LT(q.residual_se, 1e-9);
  // The linear model cannot follow the curvature and the interaction.
  const auto l = analysis::fit_linear(r, g.y);
  ASSERT_EQ(l.skipped, "");
  EXPECT_EQ(l.coefficients.size(), 3u);
  EXPECT_LT(l.r2, 0.999);
  EXPECT_LT(l.adj_r2, l.r2);
  EXPECT_GT(l.residual_se, 0.01);
}

// Large, far-from-zero values (as a node count or an arrival rate in its own
// unit might be): coded units keep the fit exact.
TEST(ResponseSurface, RecoversAQuadraticFarFromZero) {
  auto f = [](double x, double z) { return 7 - 0.003 * x + 2e-6 * x * x + 0.25 * z - 1e-4 * x * z; };
  const auto g = grid({1000, 1100, 1200, 1300}, {40, 50, 60}, 1, f, [] { return 0.0; });
  const auto q = analysis::fit_quadratic(analysis::numeric_regressors(g.params), g.y);
  ASSERT_EQ(q.skipped, "");
  const auto b = coefficients(q);
  EXPECT_NEAR(b.at("intercept"), 7, 1e-6);
  EXPECT_NEAR(b.at("x"), -0.003, 1e-10);
  EXPECT_NEAR(b.at("x^2"), 2e-6, 1e-13);
  EXPECT_NEAR(b.at("z"), 0.25, 1e-9);
  EXPECT_NEAR(b.at("x*z"), -1e-4, 1e-12);
  EXPECT_NEAR(b.at("z^2"), 0, 1e-10);
  EXPECT_NEAR(q.r2, 1, 1e-9);
}

// y + N(0, 0.2^2) noise of a fixed seed on a 9 x 5 grid, 4 runs per point
// (180 runs): every coefficient within 4 of its standard errors (computed for
// this design, 0.2 sqrt(diag((X'X)^-1)): intercept 0.042, x 0.043, z 0.026,
// x^2 0.010, z^2 0.0089, x*z 0.0082), the residual standard error near 0.2, and R^2 below 1.
TEST(ResponseSurface, RecoversCoefficientsThroughNoise) {
  sim::Rng rng(2026);
  const auto g =
      grid({0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4}, {-1, 0, 1, 2, 3}, 4, truth, [&] { return 0.2 * rng.normal(); });
  const auto q = analysis::fit_quadratic(analysis::numeric_regressors(g.params), g.y);
  ASSERT_EQ(q.skipped, "");
  EXPECT_EQ(q.runs, 180u);
  const auto b = coefficients(q);
  EXPECT_NEAR(b.at("intercept"), 3, 4 * 0.042);
  EXPECT_NEAR(b.at("x"), 2, 4 * 0.043);
  EXPECT_NEAR(b.at("z"), 0, 4 * 0.026);
  EXPECT_NEAR(b.at("x^2"), -0.5, 4 * 0.010);
  EXPECT_NEAR(b.at("z^2"), 0, 4 * 0.0089);
  EXPECT_NEAR(b.at("x*z"), 1.5, 4 * 0.0082);
  EXPECT_NEAR(q.residual_se, 0.2, 0.03);
  EXPECT_LT(q.r2, 1 - 1e-6);
  EXPECT_GT(q.r2, 0.99);
  EXPECT_LT(q.adj_r2, q.r2);
  // Adjusted R^2 = 1 - (1 - R^2)(n - 1)/(n - p), p = 6 coefficients.
  EXPECT_NEAR(q.adj_r2, 1 - (1 - q.r2) * 179.0 / 174.0, 1e-12);
}

// Runs without the metric (NaN) are left out of the fit.
TEST(ResponseSurface, LeavesOutRunsWithoutTheMetric) {
  auto g = grid({1, 2, 3, 4}, {0, 1, 2}, 2, truth, [] { return 0.0; });
  g.y[0] = g.y[5] = kNaN;
  const auto q = analysis::fit_quadratic(analysis::numeric_regressors(g.params), g.y);
  ASSERT_EQ(q.skipped, "");
  EXPECT_EQ(q.runs, 22u);
  EXPECT_NEAR(coefficients(q).at("x*z"), 1.5, 1e-9);
}

// Main effects by hand on a 2x2 grid, two runs per point (the second seed of
// (2, hi) lacks the metric):
//            b=lo      b=hi
//   a=1    10, 12    20, 22
//   a=2    30, 34    60, --
// a=1: (10+12+20+22)/4 = 16; a=2: (30+34+60)/3 = 41.333...; range 25.333...
// b=lo: (10+12+30+34)/4 = 21.5; b=hi: (20+22+60)/3 = 34; range 12.5
TEST(MainEffects, ByHandOnATwoByTwoGrid) {
  const std::vector<ParameterColumn> params{{"a", {"1", "1", "1", "1", "2", "2", "2", "2"}},
                                            {"b", {"lo", "lo", "hi", "hi", "lo", "lo", "hi", "hi"}}};
  const std::vector<double> y{10, 12, 20, 22, 30, 34, 60, kNaN};
  const auto e = analysis::main_effects(params, y);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].parameter, "a");
  ASSERT_EQ(e[0].levels.size(), 2u);
  EXPECT_EQ(e[0].levels[0].level, "1");
  EXPECT_EQ(e[0].levels[0].count, 4u);
  EXPECT_DOUBLE_EQ(e[0].levels[0].mean, 16);
  EXPECT_EQ(e[0].levels[1].level, "2");
  EXPECT_EQ(e[0].levels[1].count, 3u);
  EXPECT_DOUBLE_EQ(e[0].levels[1].mean, 124.0 / 3);
  EXPECT_DOUBLE_EQ(e[0].range, 124.0 / 3 - 16);
  EXPECT_EQ(e[1].parameter, "b");
  ASSERT_EQ(e[1].levels.size(), 2u);
  EXPECT_EQ(e[1].levels[0].level, "lo");  // text: in order of first appearance
  EXPECT_DOUBLE_EQ(e[1].levels[0].mean, 21.5);
  EXPECT_EQ(e[1].levels[1].level, "hi");
  EXPECT_EQ(e[1].levels[1].count, 3u);
  EXPECT_DOUBLE_EQ(e[1].levels[1].mean, 34);
  EXPECT_DOUBLE_EQ(e[1].range, 12.5);
}

TEST(MainEffects, NumericLevelsInIncreasingOrder) {
  const auto e = analysis::main_effects({{"n", {"10", "9", "0.5", "10"}}}, {1, 2, 3, 5});
  ASSERT_EQ(e[0].levels.size(), 3u);
  EXPECT_EQ(e[0].levels[0].level, "0.5");
  EXPECT_EQ(e[0].levels[1].level, "9");
  EXPECT_EQ(e[0].levels[2].level, "10");
  EXPECT_DOUBLE_EQ(e[0].levels[2].mean, 3);
  EXPECT_DOUBLE_EQ(e[0].range, 1);
  // A level none of whose runs has the metric: count 0, mean NaN, not in the range.
  const auto m = analysis::main_effects({{"n", {"1", "2", "3"}}}, {4, kNaN, 6});
  EXPECT_EQ(m[0].levels[1].count, 0u);
  EXPECT_TRUE(std::isnan(m[0].levels[1].mean));
  EXPECT_DOUBLE_EQ(m[0].range, 2);
}

TEST(ResponseSurface, ParametersThatAreNotNumbersAreNotRegressors) {
  const std::vector<ParameterColumn> params{
      {"scheduler.placement", {"first-fit", "spread", "best-fit", "first-fit", "spread", "best-fit"}},
      {"cluster.pools[0].count", {"1", "2", "3", "1", "2", "3"}},
      {"horizon", {"1d", "2d", "1d", "2d", "1d", "2d"}},
      {"cluster.pools[1].count", {"4", "4", "4", "4", "4", "4"}}};
  const auto r = analysis::numeric_regressors(params);
  EXPECT_EQ(r.names, (std::vector<std::string>{"cluster.pools[0].count"}));
  EXPECT_EQ(r.x[0], (std::vector<double>{1, 2, 3, 1, 2, 3}));
  ASSERT_EQ(r.excluded.size(), 3u);
  EXPECT_EQ(r.excluded[0].first, "scheduler.placement");
  EXPECT_EQ(r.excluded[0].second,
            "not numeric ('first-fit', 'spread', 'best-fit'): not a regressor, the fits average over its values");
  EXPECT_EQ(r.excluded[1].first, "horizon");
  EXPECT_NE(r.excluded[1].second.find("not numeric ('1d', '2d')"), std::string::npos) << r.excluded[1].second;
  EXPECT_EQ(r.excluded[2].first, "cluster.pools[1].count");
  EXPECT_EQ(r.excluded[2].second, "the same value ('4') in every run: not a regressor");
  // The fit uses the numeric parameter alone: y = 5 + 2 count exactly.
  const auto l = analysis::fit_linear(r, {7, 9, 11, 7, 9, 11});
  ASSERT_EQ(l.skipped, "");
  EXPECT_EQ(l.coefficients.size(), 2u);
  EXPECT_NEAR(coefficients(l).at("cluster.pools[0].count"), 2, 1e-12);
  // No numeric parameter at all: nothing to fit.
  const auto none = analysis::numeric_regressors({params[0]});
  EXPECT_EQ(analysis::fit_linear(none, {1, 2, 3, 4, 5, 6}).skipped,
            "no numeric parameter varies, nothing to regress on");
  EXPECT_EQ(analysis::fit_quadratic(none, {1, 2, 3, 4, 5, 6}).skipped,
            "no numeric parameter varies, nothing to regress on");
}

TEST(ResponseSurface, TooFewPointsSkipWithTheReason) {
  // A 2x2 grid: no square term can be fitted; the linear model (3
  // coefficients, 4 runs) can.
  const auto two = grid({1, 2}, {5, 6}, 1, truth, [] { return 0.0; });
  const auto r2 = analysis::numeric_regressors(two.params);
  EXPECT_EQ(analysis::fit_quadratic(r2, two.y).skipped,
            "x has 2 distinct values; z has 2 distinct values (a square term needs at least 3)");
  EXPECT_EQ(analysis::fit_linear(r2, two.y).skipped, "");
  // Three levels each but only 5 runs for the quadratic's 6 coefficients.
  std::vector<ParameterColumn> five{{"x", {"1", "2", "3", "1", "3"}}, {"z", {"1", "2", "3", "3", "1"}}};
  const auto r5 = analysis::numeric_regressors(five);
  const std::vector<double> y5{1, 2, 3, 4, 5};
  const auto q = analysis::fit_quadratic(r5, y5);
  EXPECT_EQ(q.skipped, "5 runs with the metric for 6 coefficients (needs more runs than coefficients)");
  EXPECT_TRUE(q.coefficients.empty());
  EXPECT_EQ(q.runs, 5u);
  EXPECT_EQ(analysis::fit_linear(r5, {1, 2, kNaN, kNaN, 5}).skipped,
            "3 runs with the metric for 3 coefficients (needs more runs than coefficients)");
  // The same value in every run: nothing to explain.
  EXPECT_EQ(analysis::fit_linear(r5, {12, 12, 12, 12, 12}).skipped,
            "the metric is 12 in every run (nothing to explain)");
  // Two parameters that always move together cannot be told apart.
  std::vector<ParameterColumn> tied{{"x", {"1", "2", "3", "4", "5"}}, {"z", {"2", "4", "6", "8", "10"}}};
  EXPECT_EQ(analysis::fit_linear(analysis::numeric_regressors(tied), {1, 3, 2, 5, 4}).skipped,
            "the runs do not determine every coefficient (the design has rank 2 for 3 terms)");
}

}  // namespace
}  // namespace fleetsim
