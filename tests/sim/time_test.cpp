#include "sim/time.hpp"

#include <gtest/gtest.h>

namespace fleetsim::sim {
namespace {

TEST(ParseDuration, SingleUnits) {
  EXPECT_EQ(parse_duration("90s"), 90 * kSecond);
  EXPECT_EQ(parse_duration("10m"), 600 * kSecond);
  EXPECT_EQ(parse_duration("4h"), 4 * 3600 * kSecond);
  EXPECT_EQ(parse_duration("30d"), 30LL * 86400 * kSecond);
  EXPECT_EQ(parse_duration("250ms"), 250 * kMillisecond);
  EXPECT_EQ(parse_duration("250ms"), 250'000);  // microseconds
}

TEST(ParseDuration, CompoundAndFractional) {
  EXPECT_EQ(parse_duration("1h30m"), 5400 * kSecond);
  EXPECT_EQ(parse_duration("1.5h"), 5400 * kSecond);
  EXPECT_EQ(parse_duration("1h30m"), parse_duration("1.5h"));
}

TEST(ParseDuration, BareNumberIsSeconds) {
  EXPECT_EQ(parse_duration("3600"), 3600 * kSecond);
  EXPECT_EQ(parse_duration("3600"), kHour);
}

TEST(ParseDuration, Rejects) {
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("-5s"), std::nullopt);
  EXPECT_EQ(parse_duration("10x"), std::nullopt);
  EXPECT_EQ(parse_duration("h"), std::nullopt);
  EXPECT_EQ(parse_duration("1h30"), std::nullopt);  // a bare number only stands alone
}

TEST(FormatDuration, ShortSpansInSeconds) {
  EXPECT_EQ(format_duration(0), "0.0s");
  EXPECT_EQ(format_duration(45'200'000), "45.2s");
  EXPECT_EQ(format_duration(1500 * kMillisecond), "1.5s");
  EXPECT_EQ(format_duration(59 * kSecond), "59.0s");
}

TEST(FormatDuration, ClockStyleAndDays) {
  EXPECT_EQ(format_duration(kMinute), "00:01:00");
  EXPECT_EQ(format_duration(kHour + 30 * kMinute), "01:30:00");
  EXPECT_EQ(format_duration(kDay + 2 * kHour + 3 * kMinute + 4 * kSecond), "1d 02:03:04");
  EXPECT_EQ(format_duration(30 * kDay), "30d 00:00:00");
  EXPECT_EQ(format_duration(-90 * kSecond), "-00:01:30");
}

TEST(FromSeconds, RoundsToMicrosecond) {
  EXPECT_EQ(from_seconds(1.5), 1'500'000);
  EXPECT_EQ(from_seconds(0.0000004), 0);
  EXPECT_EQ(from_seconds(0.0000006), 1);
  EXPECT_DOUBLE_EQ(to_seconds(from_seconds(2.25)), 2.25);
}

}  // namespace
}  // namespace fleetsim::sim
