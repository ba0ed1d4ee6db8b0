// ElasticPolicy: the attempt rate from the scaling curve, Kubeflow's defaulting
// (SEMANTICS.md G5.1), and an elastic job's pods.
#include "models/elastic.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "models/job.hpp"

namespace fleetsim::models {
namespace {

TEST(ElasticPolicy, RateIsSpeedupRelativeToMax) {
  ElasticPolicy p;
  p.min_replicas = 1;
  p.max_replicas = 4;
  EXPECT_DOUBLE_EQ(p.rate(4), 1.0);
  EXPECT_DOUBLE_EQ(p.rate(3), 0.75);  // linear: 3 / 4
  EXPECT_DOUBLE_EQ(p.rate(1), 0.25);
  p.scaling = ScalingCurve::table({{1, 1.0}, {2, 1.8}, {4, 3.2}});
  EXPECT_DOUBLE_EQ(p.rate(2), 1.8 / 3.2);
  EXPECT_DOUBLE_EQ(p.rate(3), 2.5 / 3.2);
  // Amdahl p = 0.5: speedup(2) = 1 / (0.5 + 0.25) = 4/3, speedup(4) = 1 / 0.625 = 1.6.
  p.scaling = ScalingCurve::amdahl(0.5);
  EXPECT_NEAR(p.rate(2), (4.0 / 3.0) / 1.6, 1e-12);
  EXPECT_EQ(p.rate(4), 1.0);  // exactly: the attempt then uses integer arithmetic
}

TEST(ElasticPolicy, KubeflowDefaulting) {
  ElasticSpec s;
  s.max_replicas = 8;
  EXPECT_EQ(s.resolve(4).min_replicas, 8);  // only max: min = max
  EXPECT_EQ(s.resolve(4).max_replicas, 8);
  s = ElasticSpec{};
  s.min_replicas = 2;
  EXPECT_EQ(s.resolve(4).max_replicas, 2);  // only min: max = min
  s = ElasticSpec{};
  EXPECT_EQ(s.resolve(4).min_replicas, 4);  // neither: the worker count
  EXPECT_EQ(s.resolve(4).max_replicas, 4);
  s.min_replicas = 3;
  s.max_replicas = 2;
  EXPECT_THROW(s.resolve(4), std::invalid_argument);
}

TEST(ElasticPolicy, PodsAreMaxCopiesOfTheWorker) {
  Job j;
  j.pods.resize(2);
  j.pods[0].gpus = 8;
  j.pods[1].gpus = 8;
  ElasticSpec s;
  s.min_replicas = 1;
  s.max_replicas = 3;
  s.max_restarts = 2;
  make_elastic(j, s);
  ASSERT_TRUE(j.elastic.has_value());
  EXPECT_EQ(j.pods.size(), 3u);
  EXPECT_EQ(j.total_gpus(), 24);
  EXPECT_EQ(j.elastic->max_restarts, 2);
  EXPECT_EQ(j.elastic->rescale_pause, 30 * sim::kSecond);
}

}  // namespace
}  // namespace fleetsim::models
