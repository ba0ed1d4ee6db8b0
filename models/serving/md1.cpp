// M/D/1: Poisson arrivals at lambda, deterministic service time D, FCFS.
// Mean wait: Pollaczek-Khinchine, Wq = lambda E[S^2] / (2 (1 - rho)) = rho D / (2 (1 - rho))
// (Kleinrock vol. 1, §5.6; Gross & Harris §5.1).
//
// Waiting-time distribution: Erlang (1909) and Crommelin (1932), for t >= 0 with
// k = floor(t / D):
//   P(W <= t) = (1 - rho) sum_{j=0..k} e^{lambda (t - j D)} (-lambda (t - j D))^j / j!
// The sum is exact but alternating: its terms grow like e^{2 lambda t} while the
// result stays below 1, so in floating point it loses digits as lambda t grows.
// It is summed in long double together with the sum of the terms' magnitudes;
// the rounding error is at most about (k + 2) eps |terms|. While that bound is
// below kSeriesTolerance the series is used; beyond, the exact exponential tail
// of the M/G/1 wait (Cramér-Lundberg),
//   P(W > t) ~ C e^{-theta t},  lambda (e^{theta D} - 1) = theta,
//   C = (1 - rho) / (lambda D e^{theta D} - 1),
// whose error decays like e^{-Re(theta_2) t}, with Re(theta_2) about
// ln(2 pi / rho) / D for the next root. Where the switch happens the two agree to
// within 1e-12 (compared for rho 0.5 to 0.99 while writing this); the tests check
// that the whole distribution integrates to the P-K mean and never decreases.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/serving/queueing.hpp"

namespace fleetsim::models::serving {
namespace {

constexpr long double kSeriesTolerance = 1e-11L;

// The positive root theta of lambda (e^{theta D} - 1) = theta (rho < 1): the
// left side minus the right is convex, negative just above 0 and eventually
// positive, so bracketing and bisection find the one root.
double tail_rate(double lambda, double d) {
  auto f = [&](double x) { return lambda * std::expm1(x * d) - x; };
  double lo = 0, hi = 1.0 / d;
  while (f(hi) <= 0) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0 ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

MD1::MD1(double lambda, double service_s) : lambda_(lambda), d_(service_s), rho_(lambda * service_s) {
  if (!(lambda >= 0) || !(service_s > 0) || !std::isfinite(lambda) || !std::isfinite(service_s))
    throw std::invalid_argument("M/D/1: need lambda >= 0 and a service time > 0");
  if (stable() && lambda_ > 0) {
    tail_rate_ = tail_rate(lambda_, d_);
    tail_const_ = (1 - rho_) / (lambda_ * d_ * std::exp(tail_rate_ * d_) - 1);
  }
}

double MD1::mean_wait() const { return stable() ? rho_ * d_ / (2 * (1 - rho_)) : kUnbounded; }

double MD1::mean_queue_length() const { return stable() ? lambda_ * mean_wait() : kUnbounded; }

double MD1::wait_cdf(double t) const {
  if (!stable() || t < 0) return 0.0;
  if (lambda_ == 0) return 1.0;
  const auto k = static_cast<long>(std::floor(t / d_));
  long double sum = 0, magnitude = 0;
  for (long j = 0; j <= k; ++j) {
    const long double x = static_cast<long double>(lambda_) * (static_cast<long double>(t) - static_cast<long double>(j) * d_);
    // e^{x} (-x)^j / j!, as exp(x + j ln x - lgamma(j + 1)) with its sign
    const long double log_abs = x + (j > 0 ? j * std::log(x) : 0.0L) - std::lgamma(static_cast<long double>(j) + 1);
    const long double term = x > 0 ? std::exp(log_abs) : (j == 0 ? 1.0L : 0.0L);
    sum += (j % 2 ? -term : term);
    magnitude += term;
    if ((k + 2) * std::numeric_limits<long double>::epsilon() * magnitude > kSeriesTolerance) {
      return 1.0 - tail_const_ * std::exp(-tail_rate_ * t);  // the series would cancel
    }
  }
  const double p = static_cast<double>((1 - static_cast<long double>(rho_)) * sum);
  return std::clamp(p, 0.0, 1.0);
}

double MD1::wait_quantile(double p) const {
  if (!stable() || p >= 1) return kUnbounded;
  return quantile_by_bisection([this](double t) { return wait_cdf(t); }, p, d_);
}

double MD1::response_quantile(double p) const {
  if (!stable() || p >= 1) return kUnbounded;
  return wait_quantile(p) + d_;
}

}  // namespace fleetsim::models::serving
