// Validates the whole simulator against queueing theory: scenarios/mmc-validation.yaml
// is an M/M/c queue (Poisson arrivals, exponential service, c single-GPU nodes,
// FIFO), whose mean queue wait and probability of waiting Erlang C gives exactly.
// The confidence interval is the run's own (batch means), not a tolerance
// picked to make the test pass.
#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numeric>
#include <string>
#include <variant>
#include <vector>

#include "analysis/summary.hpp"
#include "models/serving/queueing.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

// Erlang C (the probability that an arrival waits in M/M/c) lives with the
// serving models, which use it for pooled replicas.
using models::serving::erlang_c;

struct BatchMeans {
  double mean = 0, half_width = 0;
  double lo() const { return mean - half_width; }
  double hi() const { return mean + half_width; }
};

// Student-t 95% interval over the means of `batches` equal runs of consecutive
// observations (a trailing remainder shorter than a batch is dropped).
BatchMeans batch_means(const std::vector<double>& x, int batches) {
  const std::size_t n = x.size() / static_cast<std::size_t>(batches);
  std::vector<double> means;
  for (int b = 0; b < batches; ++b) {
    const auto first = x.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(b) * n);
    means.push_back(std::accumulate(first, first + static_cast<std::ptrdiff_t>(n), 0.0) / static_cast<double>(n));
  }
  BatchMeans out;
  out.mean = std::accumulate(means.begin(), means.end(), 0.0) / batches;
  double ss = 0;
  for (double m : means) ss += (m - out.mean) * (m - out.mean);
  const double sd = std::sqrt(ss / (batches - 1));
  boost::math::students_t t(batches - 1);
  out.half_width = boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(double(batches));
  return out;
}

TEST(ErlangC, FormulaMatchesKnownValues) {
  // M/M/1: C = rho.
  EXPECT_NEAR(erlang_c(1, 0.5), 0.5, 1e-12);
  // M/M/2 with a = 1: C = (1/2 * 2) / (1 + 1 + 1) = 1/3.
  EXPECT_NEAR(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
  // Via Erlang B: B(8,6) = 0.12188..., C = B / (1 - rho (1 - B)).
  double b = 1.0;
  for (int k = 1; k <= 8; ++k) b = 6.0 * b / (k + 6.0 * b);
  EXPECT_NEAR(erlang_c(8, 6.0), b / (1 - 0.75 * (1 - b)), 1e-12);
}

TEST(ErlangC, MmcValidationScenarioMatchesTheory) {
  const auto s = scenario::load_scenario(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/mmc-validation.yaml");

  // c, lambda and mu come from the scenario itself.
  int c = 0;
  for (const auto& p : s.pools) c += p.count * s.catalog.find(p.instance_type)->gpus;
  ASSERT_EQ(s.workload.size(), 1u);
  const auto& spec = std::get<models::SyntheticSpec>(s.workload[0].spec);
  ASSERT_EQ(spec.duration.distribution, models::DurationDistribution::exponential);
  ASSERT_TRUE(spec.daily.empty() && spec.weekly.empty()) << "arrivals must be homogeneous Poisson";
  ASSERT_EQ(spec.shapes.size(), 1u);
  ASSERT_EQ(spec.shapes[0].pods, 1);
  ASSERT_EQ(spec.shapes[0].gpus_per_pod, 1);
  const double lambda = spec.rate_per_s;
  const double mu = 1.0 / spec.duration.mean_s;
  ASSERT_EQ(c, 8);
  ASSERT_NEAR(lambda * 3600, 6.0, 1e-12);
  ASSERT_NEAR(1.0 / mu, 3600.0, 1e-9);

  const double a = lambda / mu;
  const double rho = a / c;
  const double pwait = erlang_c(c, a);
  const double wq = pwait / (c * mu - lambda);  // seconds
  ASSERT_NEAR(rho, 0.75, 1e-12);

  sim::NullRecorder rec;
  world::World w(s, s.seed, rec);
  const auto r = w.run();
  const auto sum = analysis::summarize(r);
  ASSERT_EQ(sum.jobs_succeeded, sum.jobs_total);
  ASSERT_EQ(sum.jobs_total, 20000u);

  // Waits in submit order (job ids are in submit order), after a warm-up.
  constexpr std::size_t kWarmup = 1000;
  constexpr int kBatches = 20;
  std::vector<double> waits, waited;
  for (std::size_t i = kWarmup; i < r.jobs.size(); ++i) {
    ASSERT_EQ(r.jobs[i].id, i);
    if (i > 0) {
      ASSERT_GE(r.jobs[i].submit, r.jobs[i - 1].submit);
    }
    const double wait = sim::to_seconds(r.records[i].first_start - r.jobs[i].submit);
    ASSERT_GE(wait, 0.0);
    waits.push_back(wait);
    waited.push_back(wait > 0 ? 1.0 : 0.0);
  }

  const BatchMeans wq_ci = batch_means(waits, kBatches);
  RecordProperty("wq_theory_s", std::to_string(wq));
  RecordProperty("wq_sim_s", std::to_string(wq_ci.mean));
  RecordProperty("wq_half_width_s", std::to_string(wq_ci.half_width));
  EXPECT_GE(wq, wq_ci.lo()) << "Erlang C Wq " << wq << " s outside the run's 95% CI [" << wq_ci.lo() << ", "
                            << wq_ci.hi() << "]";
  EXPECT_LE(wq, wq_ci.hi()) << "Erlang C Wq " << wq << " s outside the run's 95% CI [" << wq_ci.lo() << ", "
                            << wq_ci.hi() << "]";
  // The interval must be tight enough that a wrong simulator would fail.
  EXPECT_LT(wq_ci.half_width, 0.25 * wq);
  EXPECT_GT(wq_ci.half_width, 0.0);

  // P(wait > 0): the fraction of jobs that waited, against Erlang C. Waits of
  // consecutive jobs are correlated, so the plain binomial sigma is too small:
  // allow five binomial sigmas and also require theory inside the batch-means CI.
  const BatchMeans pw_ci = batch_means(waited, kBatches);
  const double n = static_cast<double>(waited.size());
  const double binomial_sd = std::sqrt(pwait * (1 - pwait) / n);
  EXPECT_NEAR(pw_ci.mean, pwait, 5 * binomial_sd);
  EXPECT_GE(pwait, pw_ci.lo());
  EXPECT_LE(pwait, pw_ci.hi());

  // Utilisation: allocated / provisioned GPU-seconds is rho.
  EXPECT_NEAR(sum.gpu_allocation, rho, 0.02);
}

}  // namespace
}  // namespace fleetsim
