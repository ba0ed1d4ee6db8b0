// M/M/c (and M/M/1 as c = 1) waiting and response times. Sources: Kleinrock,
// Queueing Systems vol. 1 (1975), §3.2 (M/M/1) and §3.5 (M/M/m); Gross & Harris,
// Fundamentals of Queueing Theory, §2.3. Waits are Wq (time in queue); the
// response time adds the request's own service S ~ Exp(mu).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/serving/queueing.hpp"

namespace fleetsim::models::serving {

double erlang_c(int c, double a) {
  if (c < 1 || !(a >= 0)) throw std::invalid_argument("erlang_c: need c >= 1 and a >= 0");
  if (a >= c) return 1.0;
  double b = 1.0;  // Erlang B with 0 servers
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b / (1.0 - (a / c) * (1.0 - b));
}

MMc::MMc(double lambda, double mu, int c) : lambda_(lambda), mu_(mu), c_(c) {
  if (!(lambda >= 0) || !(mu > 0) || c < 1 || !std::isfinite(lambda) || !std::isfinite(mu))
    throw std::invalid_argument("M/M/c: need lambda >= 0, mu > 0 and c >= 1");
  stable_ = lambda < c * mu;
  if (stable_) c_wait_ = erlang_c(c, lambda / mu);
}

double MMc::prob_wait() const { return c_wait_; }

double MMc::mean_wait() const { return stable_ ? c_wait_ / (c_ * mu_ - lambda_) : kUnbounded; }

double MMc::mean_queue_length() const { return stable_ ? lambda_ * mean_wait() : kUnbounded; }

double MMc::mean_response() const { return stable_ ? mean_wait() + 1.0 / mu_ : kUnbounded; }

double MMc::wait_cdf(double t) const {
  if (!stable_) return 0.0;
  if (t < 0) return 0.0;
  return 1.0 - c_wait_ * std::exp(-(c_ * mu_ - lambda_) * t);
}

// P(Wq + S > t) with gamma = c mu - lambda:
//   e^{-mu t} + C mu e^{-gamma t} (e^{(gamma - mu) t} - 1) / (gamma - mu),
// the convolution of Wq's atom at 0 plus exponential tail with S. For c = 1 it
// reduces to e^{-(mu - lambda) t}: the response time of M/M/1 is exponential.
// expm1 keeps the gamma ~ mu case accurate; its limit is C mu t e^{-gamma t}.
double MMc::response_cdf(double t) const {
  if (!stable_) return 0.0;
  if (t <= 0) return 0.0;
  const double gamma = c_ * mu_ - lambda_;
  const double diff = gamma - mu_;
  const double ratio = std::abs(diff * t) < 1e-9 ? t : std::expm1(diff * t) / diff;
  const double tail = std::exp(-mu_ * t) + c_wait_ * mu_ * std::exp(-gamma * t) * ratio;
  return std::clamp(1.0 - tail, 0.0, 1.0);
}

double MMc::wait_quantile(double p) const {
  if (!stable_ || p >= 1) return kUnbounded;
  if (p <= 1.0 - c_wait_) return 0.0;
  // 1 - C e^{-gamma t} = p  =>  t = ln(C / (1 - p)) / gamma
  return std::log(c_wait_ / (1.0 - p)) / (c_ * mu_ - lambda_);
}

double MMc::response_quantile(double p) const {
  if (!stable_ || p >= 1) return kUnbounded;
  if (p <= 0) return 0.0;
  if (c_ == 1) return -std::log1p(-p) / (mu_ - lambda_);  // Exp(mu - lambda), exact
  return quantile_by_bisection([this](double t) { return response_cdf(t); }, p, 1.0 / mu_);
}

}  // namespace fleetsim::models::serving
