#include "models/workload/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

SyntheticSpec basic(std::int64_t count, double rate_per_s) {
  SyntheticSpec s;
  s.count = count;
  s.rate_per_s = rate_per_s;
  s.duration.distribution = DurationDistribution::exponential;
  s.duration.mean_s = 3600;
  s.shapes = {SyntheticShape{1.0, 1, 1, 8000, 32768, 0, ""}};
  return s;
}

std::vector<Job> gen(const SyntheticSpec& s, std::uint64_t seed, const PriorityClasses& pc = {},
                     JobId first = 0) {
  sim::Rng rng(seed);
  return generate_synthetic(s, rng, pc, first, "src");
}

bool same_job(const Job& a, const Job& b) {
  if (a.pods.size() != b.pods.size()) return false;
  for (std::size_t i = 0; i < a.pods.size(); ++i) {
    const PodSpec &p = a.pods[i], &q = b.pods[i];
    if (p.cpu_milli != q.cpu_milli || p.memory_mib != q.memory_mib || p.gpus != q.gpus ||
        p.gpu_milli != q.gpu_milli || p.gpu_memory_mib != q.gpu_memory_mib || p.gpu_model != q.gpu_model)
      return false;
  }
  return a.id == b.id && a.name == b.name && a.namespace_ == b.namespace_ && a.team == b.team &&
         a.labels == b.labels && a.priority_class == b.priority_class && a.priority == b.priority &&
         a.preempts == b.preempts && a.submit == b.submit && a.duration == b.duration && a.source == b.source;
}

// |observed - expected| within 5 standard deviations of a Poisson/binomial count.
void expect_count_near(double observed, double expected, double sd, const std::string& what) {
  EXPECT_LE(std::abs(observed - expected), 5 * sd) << what << ": observed " << observed << ", expected " << expected;
}

TEST(Synthetic, FlatPoissonRealisesTheRate) {
  const int n = 20000;
  auto jobs = gen(basic(n, 2.0), 7);
  ASSERT_EQ(jobs.size(), static_cast<std::size_t>(n));
  // The n-th arrival of a rate-2 Poisson process is Gamma(n, 2): mean n/2, sd sqrt(n)/2.
  expect_count_near(sim::to_seconds(jobs.back().submit), n / 2.0, std::sqrt(n) / 2.0, "last arrival (s)");
  // Gaps are exponential with mean 0.5 s: P(gap < 0.5 s) = 1 - 1/e.
  int short_gaps = 0;
  sim::SimTime prev = 0;
  for (const auto& j : jobs) {
    EXPECT_GE(j.submit, prev);
    short_gaps += (j.submit - prev) < sim::kSecond / 2;
    prev = j.submit;
  }
  const double p = 1 - std::exp(-1.0);
  expect_count_near(short_gaps, n * p, std::sqrt(n * p * (1 - p)), "gaps shorter than the mean");
}

TEST(Synthetic, DailyProfileShapesArrivalsByHour) {
  SyntheticSpec s = basic(0, 0);
  s.count.reset();
  const int days = 10;
  s.until = days * sim::kDay;
  for (int h = 0; h < 24; ++h) s.daily.push_back(h >= 9 && h < 18 ? 2.0 : 0.5);
  s.daily[3] = 0;  // a dead hour: nothing may arrive
  double sum = 0;
  for (double d : s.daily) sum += d;
  s.rate_per_s = 20000.0 / (days * 3600 * sum);  // about 20k arrivals in all
  auto jobs = gen(s, 11);
  std::vector<int> by_hour(24, 0);
  for (const auto& j : jobs) {
    ASSERT_LT(j.submit, *s.until);
    ++by_hour[static_cast<std::size_t>((j.submit / sim::kHour) % 24)];
  }
  EXPECT_EQ(by_hour[3], 0);
  for (int h = 0; h < 24; ++h) {
    double expected = s.rate_per_s * s.daily[h] * 3600 * days;
    expect_count_near(by_hour[h], expected, std::sqrt(std::max(expected, 1.0)), "hour " + std::to_string(h));
  }
  expect_count_near(static_cast<double>(jobs.size()), 20000, std::sqrt(20000.0), "total");
}

TEST(Synthetic, WeeklyProfileShapesArrivalsByDay) {
  SyntheticSpec s = basic(0, 0);
  s.count.reset();
  const int weeks = 4;
  s.until = weeks * 7 * sim::kDay;
  s.weekly = {1, 1, 1, 1, 1, 0.25, 0.25};
  s.daily = std::vector<double>(24, 1.0);
  s.daily[0] = 3;  // combined with the weekly profile multiplicatively
  const double daily_sum = 26;
  s.rate_per_s = 20000.0 / (weeks * 3600 * daily_sum * 5.5);
  auto jobs = gen(s, 12);
  std::vector<int> by_day(7, 0);
  int midnight_hours = 0;
  for (const auto& j : jobs) {
    ++by_day[static_cast<std::size_t>((j.submit / sim::kDay) % 7)];
    midnight_hours += (j.submit / sim::kHour) % 24 == 0;
  }
  for (int d = 0; d < 7; ++d) {
    double expected = s.rate_per_s * s.weekly[d] * 3600 * daily_sum * weeks;
    expect_count_near(by_day[d], expected, std::sqrt(expected), "day " + std::to_string(d));
  }
  double expected_midnight = s.rate_per_s * 3 * 3600 * weeks * 5.5;
  expect_count_near(midnight_hours, expected_midnight, std::sqrt(expected_midnight), "hour 0");
}

TEST(Synthetic, StopsAtCountOrUntilAndStartsAtStart) {
  SyntheticSpec s = basic(50, 1.0);
  s.until = 1000 * sim::kSecond;
  s.start = 500 * sim::kSecond;
  auto jobs = gen(s, 3);
  ASSERT_EQ(jobs.size(), 50u);  // ~500 s of rate 1 left: count stops first
  EXPECT_GE(jobs.front().submit, s.start);
  s.count = 100000;
  jobs = gen(s, 3);
  EXPECT_GT(jobs.size(), 400u);
  EXPECT_LT(jobs.size(), 600u);
  for (const auto& j : jobs) EXPECT_LT(j.submit, *s.until);
}

TEST(Synthetic, LognormalMedianAndSigma) {
  SyntheticSpec s = basic(20001, 1.0);
  s.duration.distribution = DurationDistribution::lognormal;
  s.duration.median_s = 7200;
  s.duration.sigma = 1.0;
  auto jobs = gen(s, 5);
  std::vector<double> d;
  for (const auto& j : jobs) d.push_back(sim::to_seconds(j.duration));
  std::nth_element(d.begin(), d.begin() + 10000, d.end());
  // Sample median's standard error: m * sigma * sqrt(pi/2) / sqrt(n).
  double se = 7200 * 1.0 * std::sqrt(M_PI / 2) / std::sqrt(20001.0);
  expect_count_near(d[10000], 7200, se, "median duration (s)");
  const double n = static_cast<double>(d.size());
  double mean_log = 0, var_log = 0;
  for (double x : d) mean_log += std::log(x) / n;
  for (double x : d) var_log += (std::log(x) - mean_log) * (std::log(x) - mean_log) / (n - 1);
  expect_count_near(std::sqrt(var_log), 1.0, 1.0 / std::sqrt(2 * 20001.0), "sigma of log duration");
}

TEST(Synthetic, ExponentialMeanAndClamps) {
  SyntheticSpec s = basic(20000, 1.0);
  s.duration.mean_s = 600;
  auto jobs = gen(s, 8);
  double mean = 0;
  for (const auto& j : jobs) mean += sim::to_seconds(j.duration) / 20000.0;
  expect_count_near(mean, 600, 600 / std::sqrt(20000.0), "mean duration (s)");

  s.duration.min = 60 * sim::kSecond;
  s.duration.max = 1200 * sim::kSecond;
  jobs = gen(s, 8);
  int at_max = 0, at_min = 0;
  for (const auto& j : jobs) {
    EXPECT_GE(j.duration, *s.duration.min);
    EXPECT_LE(j.duration, *s.duration.max);
    at_max += j.duration == *s.duration.max;
    at_min += j.duration == *s.duration.min;
  }
  double p_max = std::exp(-2.0), p_min = 1 - std::exp(-0.1);
  expect_count_near(at_max, 20000 * p_max, std::sqrt(20000 * p_max * (1 - p_max)), "clamped to max");
  expect_count_near(at_min, 20000 * p_min, std::sqrt(20000 * p_min * (1 - p_min)), "clamped to min");
}

TEST(Synthetic, EmpiricalDrawsUniformlyFromSamples) {
  SyntheticSpec s = basic(9000, 1.0);
  s.duration.distribution = DurationDistribution::empirical;
  s.duration.samples_s = {10, 20, 30};
  auto jobs = gen(s, 9);
  std::map<sim::SimTime, int> seen;
  for (const auto& j : jobs) ++seen[j.duration];
  ASSERT_EQ(seen.size(), 3u);
  for (double v : {10.0, 20.0, 30.0}) {
    int c = seen[sim::from_seconds(v)];
    expect_count_near(c, 3000, std::sqrt(9000 * (1 / 3.0) * (2 / 3.0)), "sample " + std::to_string(v));
  }
}

TEST(Synthetic, ShapeAndTeamMix) {
  SyntheticSpec s = basic(20000, 1.0);
  s.shapes = {SyntheticShape{0.7, 1, 1, 8000, 32768, 0, ""},
              SyntheticShape{0.3, 2, 8, 90000, 900000, 81920, "H100|A100"}};
  s.teams = {SyntheticTeam{"nlp", 2, "", "high", ""}, SyntheticTeam{"vision", 1, "cv", "", ""}};
  s.labels = {{"env", "prod"}};
  PriorityClasses pc;
  pc.classes["high"] = PriorityClass{"high", 1000, false, false};
  pc.classes["normal"] = PriorityClass{"normal", 10, true, true};
  auto jobs = gen(s, 21, pc, 100);
  int big = 0, nlp = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    EXPECT_EQ(j.id, 100 + i);
    EXPECT_EQ(j.name, "src-" + std::to_string(i));
    EXPECT_EQ(j.labels.at("env"), "prod");
    if (j.pods.size() == 2) {
      ++big;
      EXPECT_EQ(j.total_gpus(), 16);
      EXPECT_EQ(j.pods[1].cpu_milli, 90000);
      EXPECT_EQ(j.pods[1].memory_mib, 900000);
      EXPECT_EQ(j.pods[1].gpu_memory_mib, 81920);
      EXPECT_EQ(j.pods[1].gpu_model, "H100|A100");
    } else {
      ASSERT_EQ(j.pods.size(), 1u);
      EXPECT_EQ(j.pods[0].gpus, 1);
      EXPECT_EQ(j.pods[0].gpu_milli, 0);
    }
    if (j.team == "nlp") {
      ++nlp;
      EXPECT_EQ(j.namespace_, "nlp");
      EXPECT_EQ(j.priority_class, "high");
      EXPECT_EQ(j.priority, 1000);
      EXPECT_FALSE(j.preempts);
    } else {
      EXPECT_EQ(j.team, "vision");
      EXPECT_EQ(j.namespace_, "cv");
      EXPECT_EQ(j.priority_class, "");  // the global default's value, as Kubernetes admits it
      EXPECT_EQ(j.priority, 10);
      EXPECT_TRUE(j.preempts);
    }
  }
  expect_count_near(big, 6000, std::sqrt(20000 * 0.3 * 0.7), "two-pod shape");
  expect_count_near(nlp, 20000 * 2 / 3.0, std::sqrt(20000 * 2 / 9.0), "team nlp");
}

TEST(Synthetic, NoTeamsMeansDefaultNamespace) {
  auto jobs = gen(basic(3, 1.0), 1);
  for (const auto& j : jobs) {
    EXPECT_EQ(j.team, "");
    EXPECT_EQ(j.namespace_, "default");
    EXPECT_EQ(j.priority, 0);
  }
}

TEST(Synthetic, SameSeedSameJobsOtherSeedOtherJobs) {
  SyntheticSpec s = basic(2000, 0.1);
  s.daily = std::vector<double>(24, 1.0);
  s.daily[5] = 0.1;
  s.duration.distribution = DurationDistribution::lognormal;
  s.duration.median_s = 100;
  s.shapes.push_back(SyntheticShape{1.0, 4, 8, 1, 1, 0, ""});
  s.teams = {SyntheticTeam{"a", 1, "", "", ""}, SyntheticTeam{"b", 1, "", "", ""}};
  auto a = gen(s, 42), b = gen(s, 42), c = gen(s, 43);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_job(a[i], b[i])) << i;
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += a[i].submit != c[i].submit;
  EXPECT_GT(differ, 1990);
}

TEST(Synthetic, ArrivalsIndependentOfShapesAndDurations) {
  SyntheticSpec s = basic(500, 0.5);
  auto a = gen(s, 77);
  s.shapes.push_back(SyntheticShape{3.0, 2, 2, 1, 1, 0, ""});
  s.duration.distribution = DurationDistribution::lognormal;
  auto b = gen(s, 77);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].submit, b[i].submit);
}

// Pins the draw order: a change here changes every synthetic scenario's results.
// (Values from glibc's libm; log/exp are correctly rounded there in practice.)
TEST(Synthetic, DrawOrderIsPinned) {
  SyntheticSpec s = basic(3, 1.0);
  auto jobs = gen(s, 2024);
  ASSERT_EQ(jobs.size(), 3u);
  std::vector<sim::SimTime> submits, durations;
  for (const auto& j : jobs) {
    submits.push_back(j.submit);
    durations.push_back(j.duration);
  }
  EXPECT_EQ(submits, (std::vector<sim::SimTime>{846790, 906509, 3519658}));
  EXPECT_EQ(durations, (std::vector<sim::SimTime>{131971534, 772216643, 10038056100}));
}

TEST(Synthetic, UnknownPriorityClassNamesTheField) {
  SyntheticSpec s = basic(3, 1.0);
  s.teams = {SyntheticTeam{"nlp", 1, "", "hihg", "s.yaml:9: workload[0].synthetic.teams[0].priority_class"}};
  PriorityClasses pc;
  pc.classes["high"] = PriorityClass{"high", 1000, true, false};
  pc.classes["low"] = PriorityClass{"low", 1, true, false};
  try {
    gen(s, 1, pc);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "s.yaml:9: workload[0].synthetic.teams[0].priority_class: expected one of the defined priority "
                 "classes: high, low (did you mean 'high'?), got 'hihg'");
  }
}

TEST(Synthetic, RejectsAnIncompleteSpec) {
  SyntheticSpec s = basic(3, 1.0);
  s.count.reset();
  sim::Rng rng(1);
  EXPECT_THROW(generate_synthetic(s, rng, {}, 0, "x"), std::invalid_argument);
  s = basic(3, 1.0);
  s.daily = std::vector<double>(23, 1.0);
  EXPECT_THROW(generate_synthetic(s, rng, {}, 0, "x"), std::invalid_argument);
  s = basic(3, 1.0);
  s.shapes.clear();
  EXPECT_THROW(generate_synthetic(s, rng, {}, 0, "x"), std::invalid_argument);
}

TEST(Synthetic, RateAtFollowsProfiles) {
  SyntheticSpec s = basic(1, 2.0);
  s.daily = std::vector<double>(24, 1.0);
  s.daily[1] = 3;
  s.weekly = {1, 0.5, 1, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(synthetic_rate_at(s, 0), 2.0);
  EXPECT_DOUBLE_EQ(synthetic_rate_at(s, sim::kHour + 5), 6.0);
  EXPECT_DOUBLE_EQ(synthetic_rate_at(s, sim::kDay + sim::kHour), 3.0);
  EXPECT_DOUBLE_EQ(synthetic_rate_at(s, 8 * sim::kDay + sim::kHour), 3.0);
}

}  // namespace
}  // namespace fleetsim::models
