#pragma once
// Per-replica queueing for a service behind a load balancer that spreads requests
// evenly: each of n replicas sees Poisson arrivals at lambda/n. Closed forms for
// M/M/c (M/M/1 is c = 1) and M/D/1 give utilization, mean waits, queue lengths,
// waiting- and response-time percentiles and SLO attainment.
//
// Overload is explicit: when lambda >= capacity the queue grows without bound,
// stable() is false, means and percentiles are +infinity (their long-run limit)
// and SLO attainment is 0. Nothing returns NaN.
//
// Times are in seconds and rates in requests per second: these models feed the
// world's accounting, they do not schedule events.
#include <cmath>
#include <limits>

namespace fleetsim::models::serving {

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// Erlang C: probability that an arrival waits in M/M/c with offered load
// a = lambda/mu Erlangs, for a < c (1 when a >= c). Computed through the Erlang B
// recurrence B(k) = a B(k-1) / (k + a B(k-1)), C = B / (1 - (a/c)(1 - B)), which
// neither overflows nor cancels for large c.
double erlang_c(int c, double a);

// M/M/c FCFS: Poisson arrivals, exponential service at rate mu per server.
class MMc {
 public:
  // Throws std::invalid_argument unless lambda >= 0, mu > 0 and c >= 1.
  MMc(double lambda, double mu, int c = 1);
  bool stable() const { return stable_; }
  double utilization() const { return lambda_ / (c_ * mu_); }  // rho, >= 1 when unstable
  double prob_wait() const;              // P(W > 0), Erlang C
  double mean_wait() const;              // Wq = C / (c mu - lambda)
  double mean_queue_length() const;      // Lq = lambda Wq (Little)
  double mean_response() const;          // W = Wq + 1/mu
  double wait_cdf(double t) const;       // P(Wq <= t) = 1 - C exp(-(c mu - lambda) t)
  double response_cdf(double t) const;   // P(Wq + S <= t)
  double wait_quantile(double p) const;
  double response_quantile(double p) const;
  // Share of requests whose response time (wait + service) is at most target_s.
  double slo_attainment(double target_s) const { return response_cdf(target_s); }

 private:
  double lambda_, mu_;
  int c_;
  bool stable_;
  double c_wait_ = 1;  // Erlang C
};

// M/D/1 FCFS: Poisson arrivals, deterministic service time D.
class MD1 {
 public:
  // Throws std::invalid_argument unless lambda >= 0 and service_s > 0.
  MD1(double lambda, double service_s);
  bool stable() const { return rho_ < 1; }
  double utilization() const { return rho_; }
  double mean_wait() const;          // Pollaczek-Khinchine: rho D / (2 (1 - rho))
  double mean_queue_length() const;  // lambda Wq
  double mean_response() const { return mean_wait() + d_; }
  // P(Wq <= t): Erlang's (1909) / Crommelin's (1932) finite series, see md1.cpp
  // for its precision and the exponential tail used where it cancels.
  double wait_cdf(double t) const;
  double response_cdf(double t) const { return t < d_ ? 0.0 : wait_cdf(t - d_); }
  double wait_quantile(double p) const;  // bisection on wait_cdf
  double response_quantile(double p) const;
  double slo_attainment(double target_s) const { return response_cdf(target_s); }

 private:
  double lambda_, d_, rho_;
  double tail_rate_ = 0, tail_const_ = 0;  // P(W > t) ~ tail_const exp(-tail_rate t)
};

// Smallest t >= 0 with cdf(t) >= p (p < 1), by bracketing from `scale` and
// bisection to a relative width of 1e-12; cdf non-decreasing and tending to 1.
// Shared by the models above.
template <class Cdf>
double quantile_by_bisection(const Cdf& cdf, double p, double scale) {
  if (cdf(0.0) >= p) return 0.0;
  double lo = 0.0, hi = scale > 0 ? scale : 1.0;
  while (cdf(hi) < p) {  // the distributions here have exponential tails: this ends
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) >= p ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace fleetsim::models::serving
