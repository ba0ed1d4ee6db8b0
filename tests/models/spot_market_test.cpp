#include "models/spot_market.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "models/spot_advisor.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

using sim::kHour;
using sim::kMinute;
using sim::kSecond;

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// The InputError message of loading `text` as a price series, with the temp
// directory cut from the path so expectations read plainly.
std::string series_error(const std::string& name, const std::string& text, const std::string& type = "") {
  std::string path = write_file(name, text);
  try {
    SpotPriceSeries::load_csv(path, type);
  } catch (const InputError& e) {
    std::string msg = e.what();
    auto pos = msg.find(path);
    if (pos != std::string::npos) msg.replace(pos, path.size(), name);
    return msg;
  }
  return "no error";
}

// The central 99 % interval of a Poisson(mean) count: [lo, hi] with
// P(X < lo) <= 0.005 and P(X > hi) <= 0.005.
std::pair<long, long> poisson_99(double mean) {
  double cdf = 0;
  long lo = -1;
  for (long k = 0;; ++k) {
    cdf += std::exp(static_cast<double>(k) * std::log(mean) - mean - std::lgamma(static_cast<double>(k) + 1));
    if (lo < 0 && cdf > 0.005) lo = k;
    if (cdf >= 0.995) return {lo, k};
  }
}

SpotMarketSpec spec_with(double p, double share = 0) {
  SpotMarketSpec s;
  s.monthly_interruption_probability = p;
  s.correlated_share = share;
  return s;
}

// ---------------------------------------------------------------------------

TEST(SpotNames, CapacityTypesAndClouds) {
  EXPECT_STREQ(to_string(CapacityType::on_demand), "on-demand");
  EXPECT_STREQ(to_string(CapacityType::spot), "spot");
  EXPECT_EQ(parse_capacity_type("on-demand"), CapacityType::on_demand);
  EXPECT_EQ(parse_capacity_type("on_demand"), CapacityType::on_demand);
  EXPECT_EQ(parse_capacity_type("spot"), CapacityType::spot);
  EXPECT_FALSE(parse_capacity_type("reserved"));

  EXPECT_EQ(parse_cloud("aws"), Cloud::aws);
  EXPECT_EQ(parse_cloud("gcp"), Cloud::gcp);
  EXPECT_EQ(parse_cloud("azure"), Cloud::azure);
  EXPECT_FALSE(parse_cloud("ibm"));
  EXPECT_FALSE(parse_cloud(""));
  EXPECT_STREQ(to_string(Cloud::azure), "azure");
}

TEST(SpotNames, DefaultNoticesPerCloud) {
  // SEMANTICS §7.1-7.4: AWS 2 minutes, GCP 30 s, Azure >= 30 s.
  EXPECT_EQ(default_notice(Cloud::aws), 120 * kSecond);
  EXPECT_EQ(default_notice(Cloud::gcp), 30 * kSecond);
  EXPECT_EQ(default_notice(Cloud::azure), 30 * kSecond);
  EXPECT_EQ(SpotMarketSpec{}.notice, 120 * kSecond);
}

TEST(SpotBuckets, ParsesAdvisorLabelsToMidpoints) {
  struct Case {
    const char* label;
    const char* canonical;
    double p;
  };
  for (const Case& c : {Case{"<5%", "<5%", 0.025}, Case{"5-10%", "5-10%", 0.075}, Case{"10-15%", "10-15%", 0.125},
                        Case{"15-20%", "15-20%", 0.175}, Case{">20%", ">20%", 0.25}, Case{"< 5 %", "<5%", 0.025},
                        Case{"10 - 15%", "10-15%", 0.125}, Case{"5\xE2\x80\x93" "10%", "5-10%", 0.075},
                        Case{">20", ">20%", 0.25}}) {
    auto b = parse_bucket(c.label);
    ASSERT_TRUE(b) << c.label;
    EXPECT_EQ(b->label, c.canonical) << c.label;
    EXPECT_DOUBLE_EQ(b->monthly_probability, c.p) << c.label;
  }
  for (const char* bad : {"", "%", "5%", "20-25%", "<5%%", "high", "0-5%"}) EXPECT_FALSE(parse_bucket(bad)) << bad;
}

TEST(SpotBuckets, RatePerSecondGivesTheMonthlyProbability) {
  // 10-15% → p = 0.125 → rate = -ln(0.875) / 2,592,000 s.
  const double p = parse_bucket("10-15%")->monthly_probability;
  EXPECT_DOUBLE_EQ(p, 0.125);
  const double rate = rate_per_second(p);
  EXPECT_NEAR(rate, -std::log(0.875) / 2592000.0, 1e-12 * rate);  // log1p inside: equal to ~1 ulp
  EXPECT_NEAR(rate, 5.15171e-8, 1e-12);
  // The per-hour form of SEMANTICS §7.1: λ = -ln(1-p)/720.
  EXPECT_NEAR(rate * 3600, -std::log(0.875) / 720, 1e-15);
  // And back: P(at least one in 30 days) = p.
  EXPECT_NEAR(1 - std::exp(-rate * 2592000.0), 0.125, 1e-12);
  EXPECT_EQ(rate_per_second(0), 0.0);
  EXPECT_EQ(kBillingMonth, 2592000 * kSecond);
  EXPECT_THROW(rate_per_second(1.0), std::invalid_argument);
  EXPECT_THROW(rate_per_second(-0.01), std::invalid_argument);
  EXPECT_THROW(rate_per_second(std::nan("")), std::invalid_argument);
}

// ---------------------------------------------------------------------------

TEST(SpotInterruptions, SingleNodeMonthlyProbabilityMatchesTheBucket) {
  // 20,000 independent nodes, each watched for one 30-day month: the share with
  // an interruption is p = 0.125 within a 99 % binomial interval (±2.576 σ).
  SpotMarket m(spec_with(0.125), 10.0);
  sim::Rng rng(20240611);
  const int n = 20000;
  int hit = 0;
  for (int i = 0; i < n; ++i)
    if (m.next_event(rng, 0, 1) <= kBillingMonth) ++hit;
  const double share = static_cast<double>(hit) / n;
  RecordProperty("share", std::to_string(share));
  const double sigma = std::sqrt(0.125 * 0.875 / n);
  EXPECT_NEAR(share, 0.125, 2.576 * sigma) << hit;
}

// Runs a pool of `nodes` spot nodes (reclaimed nodes replaced at once) for
// `months`; returns (events, nodes reclaimed).
std::pair<long, long> run_pool(const SpotMarket& m, std::uint64_t seed, int nodes, int months) {
  sim::Rng rng(seed);
  const sim::SimTime horizon = months * kBillingMonth;
  long events = 0, reclaimed = 0;
  for (sim::SimTime t = 0;;) {
    t = m.next_event(rng, t, nodes);
    if (t > horizon) break;
    ++events;
    reclaimed += m.reclaimed_per_event(nodes);
  }
  return {events, reclaimed};
}

TEST(SpotInterruptions, IndependentPoolWithinPoissonInterval) {
  SpotMarket m(spec_with(0.125), 10.0);
  const int nodes = 40, months = 500;  // 20,000 node-months
  const double expected = rate_per_second(0.125) * nodes * sim::to_seconds(months * kBillingMonth);
  EXPECT_NEAR(expected, 2670.6, 0.1);
  auto [events, reclaimed] = run_pool(m, 7, nodes, months);
  EXPECT_EQ(events, reclaimed);  // one node per event
  auto [lo, hi] = poisson_99(expected);
  RecordProperty("events", std::to_string(events) + " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  EXPECT_GE(events, lo);
  EXPECT_LE(events, hi);
}

TEST(SpotInterruptions, CorrelatedPoolKeepsThePerNodeRate) {
  const double p = 0.125;
  const int nodes = 40, months = 500;
  const double node_interruptions = rate_per_second(p) * nodes * sim::to_seconds(months * kBillingMonth);

  // share 0.25 of 40 → 10 nodes per event, events at a tenth of the node rate.
  SpotMarket m(spec_with(p, 0.25), 10.0);
  EXPECT_EQ(m.reclaimed_per_event(nodes), 10);
  auto [events, reclaimed] = run_pool(m, 7, nodes, months);
  EXPECT_EQ(reclaimed, 10 * events);
  auto [lo, hi] = poisson_99(node_interruptions / 10);
  RecordProperty("events", std::to_string(events) + " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  EXPECT_GE(events, lo);
  EXPECT_LE(events, hi);
  // The per-node rate estimate lies within the interval around the configured
  // rate, the same target as in independent mode.
  const double per_node_rate = static_cast<double>(reclaimed) / (nodes * sim::to_seconds(months * kBillingMonth));
  EXPECT_GE(per_node_rate, 10.0 * static_cast<double>(lo) / (nodes * sim::to_seconds(months * kBillingMonth)));
  EXPECT_LE(per_node_rate, 10.0 * static_cast<double>(hi) / (nodes * sim::to_seconds(months * kBillingMonth)));

  // A share that does not divide the pool: 0.3 × 7 = 2.1 → 3 nodes per event,
  // events at rate × 7 / 3.
  SpotMarket odd(spec_with(p, 0.3), 10.0);
  EXPECT_EQ(odd.reclaimed_per_event(7), 3);
  const int months_odd = 3000;
  const double expected_events = rate_per_second(p) * 7 / 3 * sim::to_seconds(months_odd * kBillingMonth);
  auto [ev, rec] = run_pool(odd, 99, 7, months_odd);
  EXPECT_EQ(rec, 3 * ev);
  auto [lo2, hi2] = poisson_99(expected_events);
  RecordProperty("events_odd", std::to_string(ev) + " in [" + std::to_string(lo2) + ", " + std::to_string(hi2) + "]");
  EXPECT_GE(ev, lo2);
  EXPECT_LE(ev, hi2);
}

TEST(SpotInterruptions, ReclaimedPerEventAndNever) {
  SpotMarket indep(spec_with(0.1), 1.0);
  EXPECT_EQ(indep.reclaimed_per_event(0), 0);
  EXPECT_EQ(indep.reclaimed_per_event(1), 1);
  EXPECT_EQ(indep.reclaimed_per_event(50), 1);

  SpotMarket corr(spec_with(0.1, 0.1), 1.0);
  EXPECT_EQ(corr.reclaimed_per_event(0), 0);
  EXPECT_EQ(corr.reclaimed_per_event(1), 1);
  EXPECT_EQ(corr.reclaimed_per_event(9), 1);
  EXPECT_EQ(corr.reclaimed_per_event(10), 1);
  EXPECT_EQ(corr.reclaimed_per_event(11), 2);
  EXPECT_EQ(corr.reclaimed_per_event(30), 3);  // 0.1 × 30 is 3.0000000000000004 in doubles
  SpotMarket all(spec_with(0.1, 1.0), 1.0);
  EXPECT_EQ(all.reclaimed_per_event(13), 13);

  sim::Rng rng(1);
  EXPECT_EQ(indep.next_event(rng, 0, 0), sim::kNever);
  EXPECT_EQ(indep.next_event(rng, 0, -3), sim::kNever);
  SpotMarket calm(spec_with(0), 1.0);
  EXPECT_EQ(calm.next_event(rng, 5 * kHour, 100), sim::kNever);
  // Near the end of time: never, not an overflow.
  EXPECT_EQ(indep.next_event(rng, sim::kNever - 1, 1), sim::kNever);
  // Otherwise strictly after now.
  for (int i = 0; i < 1000; ++i) EXPECT_GT(indep.next_event(rng, 3 * kHour, 100), 3 * kHour);
}

TEST(SpotInterruptions, SameSeedSameDraws) {
  SpotMarket m(spec_with(0.175, 0.5), 1.0);
  sim::Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(m.next_event(a, i * kHour, 8), m.next_event(b, i * kHour, 8));
}

TEST(SpotMarketSpecs, LaunchFailuresAtTheConfiguredProbability) {
  SpotMarketSpec s;
  s.capacity_shortage_probability = 0.2;
  SpotMarket m(s, 1.0);
  sim::Rng rng(3);
  const int n = 20000;
  int fails = 0;
  for (int i = 0; i < n; ++i) fails += m.launch_fails(rng) ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(fails) / n, 0.2, 2.576 * std::sqrt(0.2 * 0.8 / n));
  SpotMarket never(SpotMarketSpec{}, 1.0);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(never.launch_fails(rng));
}

TEST(SpotMarketSpecs, RejectsOutOfRangeValues) {
  auto bad = [](auto edit) {
    SpotMarketSpec s;
    edit(s);
    return s;
  };
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.discount = 1.5; }), 1.0), std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.discount = -0.1; }), 1.0), std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.monthly_interruption_probability = 1; }), 1.0),
               std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.correlated_share = 1.01; }), 1.0), std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.capacity_shortage_probability = 2; }), 1.0),
               std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.notice = -1; }), 1.0), std::invalid_argument);
  EXPECT_THROW(SpotMarket(bad([](SpotMarketSpec& s) { s.series = SpotPriceSeries{}; }), 1.0), std::invalid_argument);
  EXPECT_THROW(SpotMarket(SpotMarketSpec{}, -1.0), std::invalid_argument);
  try {
    SpotMarket(bad([](SpotMarketSpec& s) { s.correlated_share = 1.5; }), 1.0);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "spot market: correlated_share must be in [0, 1], got 1.5");
  }
}

// ---------------------------------------------------------------------------

SpotPriceSeries three_steps() {
  // $1/h from 10 min (and before), $2/h from 1 h, $0.50/h from 3 h on.
  return SpotPriceSeries{{10 * kMinute, kHour, 3 * kHour}, {1.0, 2.0, 0.5}};
}

TEST(SpotPriceSeries, StepFunction) {
  auto s = three_steps();
  EXPECT_EQ(s.at(0), 1.0);  // before the first point: the first price
  EXPECT_EQ(s.at(10 * kMinute), 1.0);
  EXPECT_EQ(s.at(kHour - 1), 1.0);
  EXPECT_EQ(s.at(kHour), 2.0);
  EXPECT_EQ(s.at(2 * kHour), 2.0);
  EXPECT_EQ(s.at(3 * kHour - 1), 2.0);
  EXPECT_EQ(s.at(3 * kHour), 0.5);
  EXPECT_EQ(s.at(1000 * kHour), 0.5);
  EXPECT_EQ(SpotPriceSeries{}.at(kHour), 0.0);
}

TEST(SpotPriceSeries, IntegralByHand) {
  auto s = three_steps();
  // 0..4 h: 1 h × $1 + 2 h × $2 + 1 h × $0.5 = $5.50.
  EXPECT_DOUBLE_EQ(s.integral_usd(0, 4 * kHour), 5.5);
  // 30 min..90 min: 0.5 h × $1 + 0.5 h × $2 = $1.50.
  EXPECT_DOUBLE_EQ(s.integral_usd(30 * kMinute, 90 * kMinute), 1.5);
  // Inside one step: 2 h..2 h 30 m at $2 = $1.
  EXPECT_DOUBLE_EQ(s.integral_usd(2 * kHour, 2 * kHour + 30 * kMinute), 1.0);
  // After the last point: 3.5 h..5 h at $0.5 = $0.75.
  EXPECT_DOUBLE_EQ(s.integral_usd(3 * kHour + 30 * kMinute, 5 * kHour), 0.75);
  // Exactly on the boundaries: 1 h..3 h = $4.
  EXPECT_DOUBLE_EQ(s.integral_usd(kHour, 3 * kHour), 4.0);
  EXPECT_EQ(s.integral_usd(2 * kHour, 2 * kHour), 0.0);
  EXPECT_EQ(s.integral_usd(3 * kHour, 2 * kHour), 0.0);
  // Additive over a split.
  EXPECT_NEAR(s.integral_usd(0, 2 * kHour) + s.integral_usd(2 * kHour, 7 * kHour), s.integral_usd(0, 7 * kHour),
              1e-12);
}

TEST(SpotPriceSeries, LoadsCsvWithDurationsAndTypeFilter) {
  const std::string text =
      "time,usd_per_hour,instance_type\n"
      "0,0.918,p3.2xlarge\n"
      "0,9.8318,p4d.24xlarge\n"
      "90m,1.0,p3.2xlarge\n"
      "\n"
      "2h,11.0,p4d.24xlarge\n"
      "7200.5,0.95,p3.2xlarge\n";
  std::string path = write_file("two_types.csv", text);
  auto p3 = SpotPriceSeries::load_csv(path, "p3.2xlarge");
  EXPECT_EQ(p3.t, (std::vector<sim::SimTime>{0, 90 * kMinute, 2 * kHour + 500 * sim::kMillisecond}));
  EXPECT_EQ(p3.usd_per_hour, (std::vector<double>{0.918, 1.0, 0.95}));
  auto p4d = SpotPriceSeries::load_csv(path, "p4d.24xlarge");
  EXPECT_EQ(p4d.t, (std::vector<sim::SimTime>{0, 2 * kHour}));
  EXPECT_EQ(p4d.usd_per_hour, (std::vector<double>{9.8318, 11.0}));

  auto plain = SpotPriceSeries::load_csv(write_file("plain.csv", "usd_per_hour,time\n2.5,0\n3,1h\n"), "");
  EXPECT_EQ(plain.t, (std::vector<sim::SimTime>{0, kHour}));
  EXPECT_EQ(plain.usd_per_hour, (std::vector<double>{2.5, 3.0}));
  // One type in the file needs no filter.
  auto one = SpotPriceSeries::load_csv(write_file("one.csv", "time,usd_per_hour,instance_type\n0,1,g5.xlarge\n"), "");
  EXPECT_EQ(one.usd_per_hour, (std::vector<double>{1.0}));
}

TEST(SpotPriceSeries, CsvErrorsNameFileLineAndColumn) {
  EXPECT_EQ(series_error("price.csv", "time,usd_per_hour\n0,1.0\n1h,abc\n"),
            "price.csv:3: usd_per_hour: expected a number, got 'abc'");
  EXPECT_EQ(series_error("neg.csv", "time,usd_per_hour\n0,-1\n"),
            "neg.csv:2: usd_per_hour: expected a non-negative number, got '-1'");
  EXPECT_EQ(series_error("when.csv", "time,usd_per_hour\nsoon,1\n"),
            "when.csv:2: time: expected a duration such as 90s, 10m, 4h or a number of seconds, got 'soon'");
  std::string order = series_error("order.csv", "time,usd_per_hour\n0,1\n2h,1\n1h,1\n");
  EXPECT_EQ(order.rfind("order.csv:4: time: expected a time later than the previous row's", 0), 0u) << order;
  EXPECT_NE(order.find("got '1h'"), std::string::npos) << order;
  std::string same = series_error("same.csv", "time,usd_per_hour\n1h,1\n3600,2\n");
  EXPECT_EQ(same.rfind("same.csv:3: time:", 0), 0u) << same;
  EXPECT_EQ(series_error("cols.csv", "time,price\n0,1\n").rfind("cols.csv:1: missing column 'usd_per_hour'", 0), 0u);
  EXPECT_EQ(series_error("nocol.csv", "time,usd_per_hour\n0,1\n", "p3.2xlarge").rfind(
                "nocol.csv:1: missing column 'instance_type'", 0),
            0u);
  EXPECT_EQ(series_error("mixed.csv", "time,usd_per_hour,instance_type\n0,1,p3.2xlarge\n0,9,p4d.24xlarge\n"),
            "mixed.csv:3: instance_type: the file holds more than one instance type ('p3.2xlarge' on line 2, "
            "'p4d.24xlarge' here); name the one to use");
  std::string missing = series_error("types.csv", "time,usd_per_hour,instance_type\n0,1,p3.2xlarge\n", "p3.2xlarg");
  EXPECT_EQ(missing.rfind("types.csv: no rows for instance type 'p3.2xlarg'", 0), 0u) << missing;
  EXPECT_NE(missing.find("p3.2xlarge"), std::string::npos) << missing;
  EXPECT_EQ(series_error("empty.csv", "time,usd_per_hour\n"), "empty.csv: no price rows");
  EXPECT_EQ(series_error("ragged.csv", "time,usd_per_hour\n0\n"),
            "ragged.csv:2: expected 2 fields as in the header, found 1");
}

// ---------------------------------------------------------------------------

TEST(SpotCharge, FlatPriceSixtySecondMinimum) {
  // G8.1: $3.60/h for 30 s → billed 60 s → $0.06; 3,601 s → $3.601.
  SpotMarket flat(SpotMarketSpec{}, 3.60);
  EXPECT_DOUBLE_EQ(flat.price_at(0), 3.60);
  EXPECT_NEAR(flat.charge_usd(0, 30 * kSecond, false, 60 * kSecond), 0.06, 1e-12);
  EXPECT_NEAR(flat.charge_usd(kHour, kHour + 30 * kSecond, false, 60 * kSecond), 0.06, 1e-12);
  EXPECT_NEAR(flat.charge_usd(0, 3601 * kSecond, false, 60 * kSecond), 3.601, 1e-12);
  EXPECT_NEAR(flat.charge_usd(0, 30 * kSecond, false, 0), 0.03, 1e-12);
  EXPECT_NEAR(flat.charge_usd(5 * kHour, 4 * kHour, false, 60 * kSecond), 0.06, 1e-12);  // stop before launch
}

TEST(SpotCharge, ProviderInterruptionInTheFirstHourIsFree) {
  SpotMarketSpec s;
  s.discount = 0.7;  // on-demand $10 → spot $3/h
  SpotMarket m(s, 10.0);
  EXPECT_DOUBLE_EQ(m.price_at(123 * kHour), 3.0);
  // Interrupted by the provider at 59 min → $0; terminated by the user at 59 min → 59/60 × $3.
  EXPECT_EQ(m.charge_usd(0, 59 * kMinute, true, 60 * kSecond), 0.0);
  EXPECT_NEAR(m.charge_usd(0, 59 * kMinute, false, 60 * kSecond), 2.95, 1e-12);
  // G7.2: interrupted by EC2 at 1,800 s → $0; at 5,400 s → 5400 × price / 3600 = $4.50.
  EXPECT_EQ(m.charge_usd(0, 1800 * kSecond, true, 60 * kSecond), 0.0);
  EXPECT_NEAR(m.charge_usd(0, 5400 * kSecond, true, 60 * kSecond), 4.5, 1e-12);
  // The boundary: a full hour is charged, a microsecond less is not.
  EXPECT_NEAR(m.charge_usd(0, kHour, true, 60 * kSecond), 3.0, 1e-12);
  EXPECT_EQ(m.charge_usd(0, kHour - 1, true, 60 * kSecond), 0.0);
  // Interrupted after 20 s: free, not the 60 s minimum.
  EXPECT_EQ(m.charge_usd(0, 20 * kSecond, true, 60 * kSecond), 0.0);
}

TEST(SpotCharge, SeriesIntegratedAcrossPriceChanges) {
  SpotMarketSpec s;
  s.discount = 0.9;  // ignored: the series sets the price
  s.series = three_steps();
  SpotMarket m(s, 10.0);
  EXPECT_EQ(m.price_at(2 * kHour), 2.0);
  // Launched 30 min, stopped by the user at 90 min: 30 min at $1 + 30 min at $2 = $1.50.
  EXPECT_NEAR(m.charge_usd(30 * kMinute, 90 * kMinute, false, 60 * kSecond), 1.5, 1e-12);
  // Launched 30 min, interrupted by the provider at 2 h 30 m (runtime 2 h):
  // 30 min × $1 + 1 h 30 m × $2 = $3.50.
  EXPECT_NEAR(m.charge_usd(30 * kMinute, 150 * kMinute, true, 60 * kSecond), 3.5, 1e-12);
  // Interrupted by the provider after 59 min across the change: free.
  EXPECT_EQ(m.charge_usd(30 * kMinute, 89 * kMinute, true, 60 * kSecond), 0.0);
  // A 10 s run just before the change is billed 60 s: 30 s at $1 and 30 s at $2 = $90/3600.
  EXPECT_NEAR(m.charge_usd(kHour - 30 * kSecond, kHour - 20 * kSecond, false, 60 * kSecond), 0.025, 1e-12);
  // From 2 h 30 m to 3 h 30 m: 30 min at $2 + 30 min at $0.5 = $1.25.
  EXPECT_NEAR(m.charge_usd(150 * kMinute, 210 * kMinute, false, 60 * kSecond), 1.25, 1e-12);
}

// ---------------------------------------------------------------------------

const std::string kAdvisorCsv = std::string(FLEETSIM_SOURCE_DIR) + "/data/spot/advisor-buckets.csv";

TEST(SpotAdvisor, FindsKnownRowsOfTheRealSnapshot) {
  // Read from data/spot/advisor-buckets.csv (AWS Spot Instance Advisor,
  // 2021-02-10, us-east-1, Linux): every GPU type there shows 70 % savings;
  // p4d.24xlarge "<5%", g4dn.xlarge "5-10%", g4dn.12xlarge "<5%", p3.2xlarge ">20%".
  auto p4d = advisor_entry(kAdvisorCsv, "p4d.24xlarge", "us-east-1");
  ASSERT_TRUE(p4d);
  EXPECT_DOUBLE_EQ(p4d->first, 0.70);
  EXPECT_EQ(p4d->second, "<5%");
  auto g4dn = advisor_entry(kAdvisorCsv, "g4dn.xlarge", "us-east-1");
  ASSERT_TRUE(g4dn);
  EXPECT_DOUBLE_EQ(g4dn->first, 0.70);
  EXPECT_EQ(g4dn->second, "5-10%");
  EXPECT_EQ(advisor_entry(kAdvisorCsv, "g4dn.12xlarge", "us-east-1")->second, "<5%");
  EXPECT_EQ(advisor_entry(kAdvisorCsv, "p3.2xlarge", "us-east-1")->second, ">20%");
  // Not in the 2021 snapshot / not in the file.
  EXPECT_FALSE(advisor_entry(kAdvisorCsv, "p5.48xlarge", "us-east-1"));
  EXPECT_FALSE(advisor_entry(kAdvisorCsv, "p4d.24xlarge", "eu-west-1"));

  // Advisor → market: p4d.24xlarge on-demand $32.7726/h with 70 % savings →
  // $9.83178/h (the AWS spot.js feed of 2021-04-06 shows $9.8318/h), and the
  // "<5%" bucket's monthly probability 0.025.
  SpotMarketSpec s;
  s.discount = p4d->first;
  s.monthly_interruption_probability = parse_bucket(p4d->second)->monthly_probability;
  SpotMarket m(s, 32.7726);
  EXPECT_NEAR(m.price_at(0), 9.83178, 1e-9);
  EXPECT_NEAR(m.rate_per_node_per_second(), -std::log(0.975) / 2592000.0, 1e-12 * 9.77e-9);
}

TEST(SpotAdvisor, LoaderChecksRowsAndSkipsOtherOs) {
  std::string ok = write_file("advisor_ok.csv",
                              "instance_type,region,os,savings_percent,interruption_bucket\n"
                              "g5.xlarge,us-east-1,Windows,40,>20%\n"
                              "g5.xlarge,us-east-1,Linux,62,10-15%\n");
  auto e = advisor_entry(ok, "g5.xlarge", "us-east-1");
  ASSERT_TRUE(e);
  EXPECT_DOUBLE_EQ(e->first, 0.62);
  EXPECT_EQ(e->second, "10-15%");

  auto error_of = [](const std::string& name, const std::string& text) -> std::string {
    std::string path = write_file(name, text);
    try {
      advisor_entry(path, "x", "y");
    } catch (const InputError& ex) {
      std::string msg = ex.what();
      auto pos = msg.find(path);
      if (pos != std::string::npos) msg.replace(pos, path.size(), name);
      return msg;
    }
    return "no error";
  };
  const std::string header = "instance_type,region,savings_percent,interruption_bucket\n";
  EXPECT_EQ(error_of("b1.csv", header + "g5.xlarge,us-east-1,70,30%\n"),
            "b1.csv:2: interruption_bucket: expected one of <5%, 5-10%, 10-15%, 15-20%, >20%, got '30%'");
  EXPECT_EQ(error_of("b2.csv", header + "g5.xlarge,us-east-1,170,<5%\n"),
            "b2.csv:2: savings_percent: expected a percentage between 0 and 100, got '170'");
  EXPECT_EQ(error_of("b3.csv", header + "g5.xlarge,us-east-1,70,<5%\ng5.xlarge,us-east-1,60,<5%\n"),
            "b3.csv:3: instance_type: 'g5.xlarge' in 'us-east-1' appears again (first on line 2)");
  EXPECT_EQ(error_of("b4.csv", "instance_type,region,savings_percent\n").rfind(
                "b4.csv:1: missing column 'interruption_bucket'", 0),
            0u);
  EXPECT_THROW(advisor_entry(::testing::TempDir() + "no-such-advisor.csv", "x", "y"), InputError);
}

}  // namespace
}  // namespace fleetsim::models
