#include <gtest/gtest.h>

#include <stdexcept>

#include "models/serving/batching.hpp"

namespace fleetsim::models::serving {
namespace {

TEST(BatchCurve, LinearStepByHand) {
  // step(b) = 20 ms + 5 ms x b: batch 1 runs 1/0.025 = 40/s, batch 8 runs 8/0.06 = 133.3/s.
  const auto c = BatchCurve::linear_step(0.020, 0.005, 8);
  EXPECT_EQ(c.max_batch(), 8);
  EXPECT_NEAR(c.throughput(1), 40.0, 1e-12);
  EXPECT_NEAR(c.throughput(4), 4 / 0.040, 1e-12);
  EXPECT_NEAR(c.capacity(), 8 / 0.060, 1e-12);
  EXPECT_NEAR(c.step_time(8), 0.060, 1e-12);
  // 100/s needs a batch between 4 (100/s exactly) and 5.
  EXPECT_NEAR(*c.batch_for(100.0), 4.0, 1e-12);
  const double b = *c.batch_for(110.0);  // 5 runs 111.1/s
  EXPECT_GT(b, 4.0);
  EXPECT_LT(b, 5.0);
  EXPECT_NEAR(c.throughput(b), 110.0, 1e-9);
  EXPECT_EQ(c.batch_for(10.0), 1.0);
  EXPECT_FALSE(c.batch_for(140.0).has_value());  // over capacity: overload
}

TEST(BatchCurve, MeasuredTable) {
  const BatchCurve c({{1, 900}, {8, 5200}, {32, 11000}});  // tokens/s
  EXPECT_NEAR(c.throughput(20), 5200 + (11000 - 5200) * 12.0 / 24, 1e-9);
  EXPECT_EQ(c.capacity(), 11000);
  EXPECT_THROW(BatchCurve({{2, 10}}), std::invalid_argument);              // must start at 1
  EXPECT_THROW(BatchCurve({{1, 10}, {4, 5}}), std::invalid_argument);      // throughput falls
  EXPECT_THROW(BatchCurve::linear_step(0, 0, 4), std::invalid_argument);  // infinitely fast
}

}  // namespace
}  // namespace fleetsim::models::serving
