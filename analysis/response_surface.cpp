#include "analysis/response_surface.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "analysis/sweep_design.hpp"

namespace fleetsim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A plain finite number ("5", "0.25", "1e3"); durations ("30m"), rates ("2/h")
// and names are not.
bool parse_number(const std::string& v, double* x) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *x);
  return !v.empty() && ec == std::errc() && p == v.data() + v.size() && std::isfinite(*x);
}

// Up to three distinct values, quoted: "'first-fit', 'spread'", "'a', 'b', 'c', ...".
std::string some_values(const std::vector<std::string>& values) {
  std::vector<std::string> seen;
  bool more = false;
  for (const auto& v : values) {
    if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
    if (seen.size() == 3) {
      more = true;
      break;
    }
    seen.push_back(v);
  }
  std::string s;
  for (const auto& v : seen) s += (s.empty() ? "'" : ", '") + v + "'";
  return s + (more ? ", ..." : "");
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A model term: the product of zero (intercept), one or two regressors.
struct Term {
  std::vector<std::size_t> factors;
  std::string name;
};

std::vector<Term> model_terms(const Regressors& r, bool quadratic) {
  const std::size_t k = r.names.size();
  std::vector<Term> terms{{{}, "intercept"}};
  for (std::size_t i = 0; i < k; ++i) terms.push_back({{i}, r.names[i]});
  if (!quadratic) return terms;
  for (std::size_t i = 0; i < k; ++i) terms.push_back({{i, i}, r.names[i] + "^2"});
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) terms.push_back({{i, j}, r.names[i] + "*" + r.names[j]});
  return terms;
}

SurfaceFit fit(const Regressors& r, const std::vector<double>& y, bool quadratic) {
  SurfaceFit f;
  f.model = quadratic ? "quadratic" : "linear";
  std::vector<std::size_t> rows;  // runs with the metric
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isnan(y[i])) rows.push_back(i);
  f.runs = rows.size();
  const std::size_t k = r.names.size();
  if (k == 0) {
    f.skipped = "no numeric parameter varies, nothing to regress on";
    return f;
  }
  if (quadratic) {
    std::string few;
    for (std::size_t i = 0; i < k; ++i) {
      std::set<double> distinct;
      for (std::size_t row : rows) distinct.insert(r.x[i][row]);
      if (distinct.size() < 3)
        few += (few.empty() ? "" : "; ") + r.names[i] + " has " + plural(distinct.size(), "distinct value");
    }
    if (!few.empty()) {
      f.skipped = few + " (a square term needs at least 3)";
      return f;
    }
  }
  const auto terms = model_terms(r, quadratic);
  const std::size_t n = rows.size(), p = terms.size();
  if (n <= p) {
    f.skipped =
        plural(n, "run") + " with the metric for " + plural(p, "coefficient") + " (needs more runs than coefficients)";
    return f;
  }
  double ybar = 0;
  for (std::size_t row : rows) ybar += y[row];
  ybar /= static_cast<double>(n);
  double sst = 0;
  for (std::size_t row : rows) sst += (y[row] - ybar) * (y[row] - ybar);
  if (sst == 0) {
    f.skipped = "the metric is " + number_text(y[rows.front()]) + " in every run (nothing to explain)";
    return f;
  }
  // Coded units, z = (x - c) / s with c the midrange and s the half-range, so
  // the columns are of one size and the rank decision is meaningful.
  std::vector<double> c(k), s(k);
  for (std::size_t i = 0; i < k; ++i) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t row : rows) {
      lo = std::min(lo, r.x[i][row]);
      hi = std::max(hi, r.x[i][row]);
    }
    c[i] = (lo + hi) / 2;
    s[i] = hi > lo ? (hi - lo) / 2 : 1;
  }
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd Y(n);
  for (std::size_t a = 0; a < n; ++a) {
    Y(a) = y[rows[a]];
    for (std::size_t t = 0; t < p; ++t) {
      double v = 1;
      for (std::size_t i : terms[t].factors) v *= (r.x[i][rows[a]] - c[i]) / s[i];
      X(a, t) = v;
    }
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  if (static_cast<std::size_t>(qr.rank()) < p) {
    f.skipped = "the runs do not determine every coefficient (the design has rank " + std::to_string(qr.rank()) +
                " for " + plural(p, "term") + ")";
    return f;
  }
  const Eigen::VectorXd coded = qr.solve(Y);
  const double sse = (Y - X * coded).squaredNorm();
  // Back to the parameters' own units: expand each term's product of (x - c) / s.
  std::vector<double> b(p, 0.0);
  std::map<std::vector<std::size_t>, std::size_t> index;  // sorted factors -> term
  for (std::size_t t = 0; t < p; ++t) index[terms[t].factors] = t;
  for (std::size_t t = 0; t < p; ++t) {
    const auto& fs = terms[t].factors;
    double scale = coded(static_cast<Eigen::Index>(t));
    for (std::size_t i : fs) scale /= s[i];
    // prod over factors of (x_i - c_i): each subset of the factors keeps x, the rest contribute -c.
    const std::size_t m = fs.size();
    for (std::size_t mask = 0; mask < (std::size_t{1} << m); ++mask) {
      std::vector<std::size_t> kept;
      double v = scale;
      for (std::size_t q = 0; q < m; ++q)
        if (mask & (std::size_t{1} << q))
          kept.push_back(fs[q]);
        else
          v *= -c[fs[q]];
      std::sort(kept.begin(), kept.end());
      b[index.at(kept)] += v;
    }
  }
  for (std::size_t t = 0; t < p; ++t) f.coefficients.emplace_back(terms[t].name, b[t]);
  const double dn = static_cast<double>(n), dp = static_cast<double>(p);
  f.r2 = 1 - sse / sst;
  f.adj_r2 = 1 - (1 - f.r2) * (dn - 1) / (dn - dp);
  f.residual_se = std::sqrt(sse / (dn - dp));
  return f;
}

}  // namespace

std::vector<MainEffect> main_effects(const std::vector<ParameterColumn>& params, const std::vector<double>& y) {
  std::vector<MainEffect> out;
  for (const auto& param : params) {
    MainEffect e;
    e.parameter = param.path;
    std::map<std::string, std::size_t> at;  // level text -> index in e.levels
    std::vector<double> sums;
    bool numeric = true;
    for (std::size_t run = 0; run < param.values.size() && run < y.size(); ++run) {
      const auto& v = param.values[run];
      auto [it, added] = at.emplace(v, e.levels.size());
      if (added) {
        e.levels.push_back({v, 0, kNaN});
        sums.push_back(0);
        double x = 0;
        numeric = numeric && parse_number(v, &x);
      }
      if (std::isnan(y[run])) continue;
      ++e.levels[it->second].count;
      sums[it->second] += y[run];
    }
    for (std::size_t l = 0; l < e.levels.size(); ++l)
      if (e.levels[l].count) e.levels[l].mean = sums[l] / static_cast<double>(e.levels[l].count);
    if (numeric)
      std::stable_sort(e.levels.begin(), e.levels.end(), [](const LevelMean& a, const LevelMean& b) {
        double x = 0, z = 0;
        parse_number(a.level, &x);
        parse_number(b.level, &z);
        return x < z;
      });
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& l : e.levels)
      if (l.count) {
        lo = std::min(lo, l.mean);
        hi = std::max(hi, l.mean);
      }
    e.range = hi >= lo ? hi - lo : kNaN;
    out.push_back(std::move(e));
  }
  return out;
}

Regressors numeric_regressors(const std::vector<ParameterColumn>& params) {
  Regressors r;
  for (const auto& param : params) {
    std::vector<double> x;
    std::vector<std::string> words;
    for (const auto& v : param.values) {
      double d = 0;
      if (parse_number(v, &d))
        x.push_back(d);
      else
        words.push_back(v);
    }
    if (!words.empty()) {
      r.excluded.emplace_back(
          param.path, "not numeric (" + some_values(words) + "): not a regressor, the fits average over its values");
      continue;
    }
    if (std::set<double>(x.begin(), x.end()).size() < 2) {
      r.excluded.emplace_back(param.path,
                              "the same value (" + some_values(param.values) + ") in every run: not a regressor");
      continue;
    }
    r.names.push_back(param.path);
    r.x.push_back(std::move(x));
  }
  return r;
}

SurfaceFit fit_linear(const Regressors& r, const std::vector<double>& y) { return fit(r, y, false); }
SurfaceFit fit_quadratic(const Regressors& r, const std::vector<double>& y) { return fit(r, y, true); }

}  // namespace fleetsim::analysis
