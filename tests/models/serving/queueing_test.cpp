// Per-replica queueing models against textbook formulas and exact
// distributions (Kleinrock vol. 1; Gross & Harris), worked out by hand below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/serving/queueing.hpp"
#include "sim/rng.hpp"

namespace fleetsim::models::serving {
namespace {

TEST(ErlangCServing, KnownValuesAndLargePools) {
  EXPECT_NEAR(erlang_c(1, 0.5), 0.5, 1e-12);        // M/M/1: C = rho
  EXPECT_NEAR(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);  // (1/2 * 2) / (1 + 1 + 1)
  // The textbook sum form for c = 8, a = 6.
  double sum = 0, term = 1;
  for (int k = 0; k < 8; ++k) sum += term, term *= 6.0 / (k + 1);
  const double top = term * 8 / (8 - 6.0);
  EXPECT_NEAR(erlang_c(8, 6.0), top / (sum + top), 1e-12);
  EXPECT_EQ(erlang_c(4, 4.0), 1.0);  // saturated: everyone waits
  // Large pools neither overflow nor lose precision: C(1000, 950) is finite in (0, 1).
  const double big = erlang_c(1000, 950.0);
  EXPECT_GT(big, 0.0);
  EXPECT_LT(big, 1.0);
}

TEST(MM1, MatchesTextbookFormulas) {
  // lambda 8/s, mu 10/s: rho 0.8, Wq = rho/(mu - lambda) = 0.4 s, Lq = rho^2/(1-rho) = 3.2,
  // W = 1/(mu - lambda) = 0.5 s.
  const MMc q(8, 10);
  ASSERT_TRUE(q.stable());
  EXPECT_NEAR(q.utilization(), 0.8, 1e-12);
  EXPECT_NEAR(q.prob_wait(), 0.8, 1e-12);
  EXPECT_NEAR(q.mean_wait(), 0.4, 1e-12);
  EXPECT_NEAR(q.mean_queue_length(), 3.2, 1e-12);
  EXPECT_NEAR(q.mean_response(), 0.5, 1e-12);
  // Response time ~ Exp(mu - lambda = 2): p99 = ln(100)/2, P(T <= 1 s) = 1 - e^-2.
  EXPECT_NEAR(q.response_quantile(0.99), std::log(100.0) / 2, 1e-12);
  EXPECT_NEAR(q.response_quantile(0.5), std::log(2.0) / 2, 1e-12);
  EXPECT_NEAR(q.slo_attainment(1.0), 1 - std::exp(-2.0), 1e-12);
  for (double t : {0.01, 0.3, 1.0, 4.0}) EXPECT_NEAR(q.response_cdf(t), 1 - std::exp(-2 * t), 1e-12);
  // Wait: P(Wq > t) = rho e^{-2t}; median ln(1.6)/2; no wait for p <= 1 - rho.
  EXPECT_NEAR(q.wait_quantile(0.5), std::log(1.6) / 2, 1e-12);
  EXPECT_EQ(q.wait_quantile(0.2), 0.0);
  EXPECT_NEAR(q.wait_cdf(0.0), 0.2, 1e-12);
}

TEST(MMc, ResponseTimeIsTheConvolutionOfWaitAndService) {
  // c = 2, lambda = mu = 1: C = 1/3, Wq = C/(c mu - lambda) = 1/3 s, and
  // gamma = c mu - lambda equals mu, the formula's limiting case.
  // c = 3, lambda = 2, mu = 1: gamma = 1 = mu again; c = 4, lambda = 2.5, mu = 1: gamma 1.5.
  struct Case { double lambda, mu; int c; };
  for (const auto& k : {Case{1, 1, 2}, Case{2, 1, 3}, Case{2.5, 1, 4}}) {
    const MMc q(k.lambda, k.mu, k.c);
    const double cw = erlang_c(k.c, k.lambda / k.mu);
    const double gamma = k.c * k.mu - k.lambda;
    EXPECT_NEAR(q.mean_wait(), cw / gamma, 1e-12);
    for (double t : {0.2, 1.0, 3.0}) {
      // P(T > t) = P(S > t) + int_0^t mu e^{-mu s} C e^{-gamma (t - s)} ds, by Simpson's rule.
      const int n = 2000;
      double integral = 0;
      for (int i = 0; i <= n; ++i) {
        const double s = t * i / n;
        const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        integral += w * k.mu * std::exp(-k.mu * s) * cw * std::exp(-gamma * (t - s));
      }
      integral *= t / n / 3;
      EXPECT_NEAR(q.response_cdf(t), 1 - (std::exp(-k.mu * t) + integral), 1e-9) << k.c << " t=" << t;
    }
    const double p95 = q.response_quantile(0.95);
    EXPECT_NEAR(q.response_cdf(p95), 0.95, 1e-9);
  }
  // One replica as M/M/c matches M/M/1's exponential response time.
  EXPECT_NEAR(MMc(3, 4, 1).response_cdf(0.7), 1 - std::exp(-0.7), 1e-12);
}

TEST(MD1, MeanWaitIsPollaczekKhinchine) {
  // lambda 0.5/s, D 1 s: rho 0.5, Wq = rho D / (2 (1 - rho)) = 0.5 s, Lq = 0.25.
  const MD1 q(0.5, 1.0);
  EXPECT_NEAR(q.mean_wait(), 0.5, 1e-12);
  EXPECT_NEAR(q.mean_queue_length(), 0.25, 1e-12);
  EXPECT_NEAR(q.mean_response(), 1.5, 1e-12);
  // Half the M/M/1 wait at the same load and mean service (the P-K factor (1 + cs^2)/2).
  EXPECT_NEAR(MD1(0.8, 1.0).mean_wait(), 0.5 * MMc(0.8, 1.0).mean_wait(), 1e-12);
}

TEST(MD1, WaitingTimeDistributionFirstTermsByHand) {
  const MD1 q(0.5, 1.0);
  EXPECT_NEAR(q.wait_cdf(0.0), 0.5, 1e-12);  // no wait with probability 1 - rho
  // t < D: (1 - rho) e^{lambda t}
  EXPECT_NEAR(q.wait_cdf(0.5), 0.5 * std::exp(0.25), 1e-12);
  // D <= t < 2D: (1 - rho) (e^{lambda t} - lambda (t - D) e^{lambda (t - D)})
  EXPECT_NEAR(q.wait_cdf(1.5), 0.5 * (std::exp(0.75) - 0.25 * std::exp(0.25)), 1e-12);
  EXPECT_EQ(q.response_cdf(0.99), 0.0);  // nobody is served faster than D
  EXPECT_NEAR(q.response_cdf(1.5), q.wait_cdf(0.5), 1e-15);
}

// The whole distribution (series where it is accurate, the exponential tail
// beyond) integrates to the Pollaczek-Khinchine mean and never decreases, so
// the switch between the two leaves no step.
TEST(MD1, DistributionIntegratesToTheMeanAcrossTheTailSwitch) {
  for (double rho : {0.3, 0.7, 0.9, 0.97}) {
    const MD1 q(rho, 1.0);
    double mean = 0, prev = 0;
    const double h = 0.001;
    for (double t = 0; 1 - q.wait_cdf(t) > 1e-13; t += h) {
      const double f0 = q.wait_cdf(t), f1 = q.wait_cdf(t + h);
      ASSERT_GE(f0, prev - 1e-12) << "rho " << rho << " t " << t;
      prev = f0;
      mean += h * (2 - f0 - f1) / 2;  // trapezoid on P(W > t)
    }
    EXPECT_NEAR(mean, q.mean_wait(), 2e-6 * std::max(1.0, q.mean_wait())) << "rho " << rho;
  }
}

TEST(MD1, PercentilesInvertTheDistribution) {
  const MD1 q(45, 0.02);  // 45 req/s on a 20 ms service: rho 0.9
  for (double p : {0.5, 0.9, 0.99, 0.999}) {
    const double t = q.wait_quantile(p);
    EXPECT_NEAR(q.wait_cdf(t), p, 1e-9);
    EXPECT_NEAR(q.response_quantile(p), t + 0.02, 1e-15);
  }
  EXPECT_EQ(q.wait_quantile(0.05), 0.0);  // below P(W = 0) = 0.1
}

// Monte Carlo: the Lindley recursion W' = max(0, W + D - A) with exponential
// interarrivals from sim::Rng (seed 7), 400 000 requests after 10 000 of
// warm-up, at rho 0.7. Consecutive waits are correlated (relaxation over
// roughly 1/(1 - rho)^2 = 11 requests), so the sample quantiles carry about
// 1% error; the test allows 4% (or 0.01 D where the quantile is small).
TEST(MD1, MonteCarloPercentilesMatchTheExactDistribution) {
  const double lambda = 0.7, d = 1.0;
  sim::Rng rng(7);
  double w = 0;
  for (int i = 0; i < 10000; ++i) w = std::max(0.0, w + d - rng.exponential(1 / lambda));
  std::vector<double> waits;
  const int n = 400000;
  waits.reserve(n);
  for (int i = 0; i < n; ++i) {
    waits.push_back(w);
    w = std::max(0.0, w + d - rng.exponential(1 / lambda));
  }
  const MD1 q(lambda, d);
  double sum = 0;
  for (double x : waits) sum += x;
  EXPECT_NEAR(sum / n, q.mean_wait(), 0.04 * q.mean_wait());
  std::sort(waits.begin(), waits.end());
  for (double p : {0.5, 0.9, 0.99}) {
    const double sample = waits[static_cast<std::size_t>(p * n)];
    const double exact = q.wait_quantile(p);
    EXPECT_NEAR(sample, exact, std::max(0.04 * exact, 0.01 * d)) << "p" << p * 100;
  }
}

TEST(Overload, IsReportedNotNaN) {
  for (const MMc& q : {MMc(10, 10), MMc(25, 10, 2)}) {
    EXPECT_FALSE(q.stable());
    EXPECT_GE(q.utilization(), 1.0);
    EXPECT_EQ(q.mean_wait(), kUnbounded);
    EXPECT_EQ(q.mean_queue_length(), kUnbounded);
    EXPECT_EQ(q.response_quantile(0.5), kUnbounded);
    EXPECT_EQ(q.wait_quantile(0.99), kUnbounded);
    EXPECT_EQ(q.slo_attainment(100.0), 0.0);
    EXPECT_EQ(q.prob_wait(), 1.0);
  }
  const MD1 d(2, 0.5);
  EXPECT_FALSE(d.stable());
  EXPECT_EQ(d.mean_wait(), kUnbounded);
  EXPECT_EQ(d.wait_quantile(0.5), kUnbounded);
  EXPECT_EQ(d.slo_attainment(10.0), 0.0);
  EXPECT_THROW(MMc(-1, 1), std::invalid_argument);
  EXPECT_THROW(MMc(1, 0), std::invalid_argument);
  EXPECT_THROW(MD1(1, 0), std::invalid_argument);
}

TEST(Queueing, IdleServiceNeverWaits) {
  const MD1 d(0, 1.0);
  EXPECT_EQ(d.mean_wait(), 0.0);
  EXPECT_EQ(d.wait_cdf(0.0), 1.0);
  EXPECT_EQ(d.response_quantile(0.99), 1.0);
  const MMc m(0, 2.0);
  EXPECT_EQ(m.mean_wait(), 0.0);
  EXPECT_NEAR(m.response_quantile(0.5), std::log(2.0) / 2, 1e-12);
}

}  // namespace
}  // namespace fleetsim::models::serving
