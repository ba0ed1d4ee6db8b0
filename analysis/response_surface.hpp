#pragma once
// Main effects and response surfaces over a sweep's runs (docs/sweeps.md,
// effects.csv and surface.csv).
//
// Main effects: per parameter and level, the mean of a metric over every run
// at that level (whatever the other parameters are), and the effect range, the
// largest level mean minus the smallest.
//
// Response surfaces: least-squares fits (Eigen, column-pivoting Householder
// QR) of a metric on the numeric parameters, a linear model
//   y = b0 + sum_i b_i x_i
// and a full quadratic one
//   y = b0 + sum_i b_i x_i + sum_i b_ii x_i^2 + sum_{i<j} b_ij x_i x_j,
// with R^2, adjusted R^2 and the residual standard error. A parameter is a
// regressor only when every value is a plain number and it takes at least two;
// the others are reported as excluded with the reason (the fits then average
// over their values). Coefficients are in the parameters' own units.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace fleetsim::analysis {

// One parameter's value in each run, as its text (the value as applied).
struct ParameterColumn {
  std::string path;
  std::vector<std::string> values;  // values[run]
};

struct LevelMean {
  std::string level;      // the value's text
  std::size_t count = 0;  // runs at this level that have the metric
  double mean = 0;        // NaN when count is 0
};

struct MainEffect {
  std::string parameter;
  // Numeric parameters in increasing order, others in order of first appearance.
  std::vector<LevelMean> levels;
  double range = 0;  // max - min of the level means (levels with runs); NaN when none has
};

// `y[run]` is the metric, NaN for runs without it (left out of every mean).
std::vector<MainEffect> main_effects(const std::vector<ParameterColumn>& params, const std::vector<double>& y);

struct Regressors {
  std::vector<std::string> names;                             // the numeric parameters, in order
  std::vector<std::vector<double>> x;                         // x[regressor][run]
  std::vector<std::pair<std::string, std::string>> excluded;  // parameter, why it is not a regressor
};
Regressors numeric_regressors(const std::vector<ParameterColumn>& params);

struct SurfaceFit {
  std::string model;    // "linear" or "quadratic"
  std::string skipped;  // why the model was not fitted; empty when it was
  // (term, coefficient): "intercept", "x", then for quadratic "x^2" and "x*z".
  std::vector<std::pair<std::string, double>> coefficients;
  double r2 = 0, adj_r2 = 0, residual_se = 0;
  std::size_t runs = 0;  // runs in the fit (those with the metric)
};

// Fits over the runs whose y is not NaN. Skipped (with the reason) when there
// is no regressor, not more runs than coefficients, the metric is the same in
// every run, or the runs do not determine every coefficient; the quadratic
// model also when a regressor has fewer than 3 distinct values.
SurfaceFit fit_linear(const Regressors& r, const std::vector<double>& y);
SurfaceFit fit_quadratic(const Regressors& r, const std::vector<double>& y);

}  // namespace fleetsim::analysis
