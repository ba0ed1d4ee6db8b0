// The commitment recommender: the quantile rule against a hand-computed case
// and against brute force (every count applied to the usage), the savings-plan
// minimum against a dense search and the single-discount quantile formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/commitment.hpp"
#include "analysis/purchases.hpp"

namespace fleetsim::analysis {
namespace {

using models::Offering;
using models::Payment;
using models::PriceBook;
using models::PriceKey;
using models::Term;

const PriceKey kA{"aws", "us-east-1", "a.large"};
const PriceKey kB{"aws", "us-east-1", "b.large"};

models::UsageCurve curve_of(const std::vector<double>& hourly, const PriceKey& k, double rate) {
  models::UsageCurve u(hourly.size());
  for (std::size_t h = 0; h < hourly.size(); ++h) {
    models::UsageSlice s;
    s.category = "pool";
    s.key = k;
    s.od_usd_per_hour = rate;
    s.instance_hours = hourly[h];
    u[h].push_back(s);
  }
  return u;
}

PriceBook book(double od, double reserved, double plan_discount) {
  PriceBook b;
  b.add(kA, {Offering::on_demand, Term::none, Payment::none, 0, od, "", 0});
  b.add(kA, {Offering::reserved, Term::one_year, Payment::no_upfront, 0, reserved, "", 0});
  b.add(kA, {Offering::savings_plan_compute, Term::one_year, Payment::no_upfront, 0, od * (1 - plan_discount), "", 0});
  return b;
}

// A small deterministic generator (no std:: distributions: their output differs by library).
struct Lcg {
  std::uint64_t x;
  double next() {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  }
};

TEST(Commitment, HandComputedReservationCase) {
  // Ten hours using 0,1,1,2,2,2,3,3,4,4 instances; on-demand $10/h, reserved $6/h: break-even 0.6.
  // Unit 1 is used in 9 of 10 hours, unit 2 in 7, unit 3 in 4: reserve 2.
  // Totals: N=0: 22 x 10 = 220; N=1: 60 + 13 x 10 = 190; N=2: 120 + 6 x 10 = 180;
  //         N=3: 180 + 2 x 10 = 200; N=4: 240.
  const auto u = curve_of({0, 1, 1, 2, 2, 2, 3, 3, 4, 4}, kA, 10);
  const auto a = recommend_commitments(u, book(10, 6, 0.3), Term::one_year, Payment::no_upfront);
  ASSERT_EQ(a.reservations.size(), 1u);
  const auto& r = a.reservations[0];
  EXPECT_DOUBLE_EQ(r.break_even, 0.6);
  EXPECT_EQ(r.count, 2);
  EXPECT_EQ(r.curve_min_count, 2);
  ASSERT_EQ(r.curve.size(), 5u);
  const double expected[] = {220, 190, 180, 200, 240};
  for (int n = 0; n < 5; ++n) EXPECT_NEAR(r.curve[n].total_usd, expected[n], 1e-9) << n;
  EXPECT_NEAR(r.curve[4].unused_usd, (4 * 10 - 22) * 6.0, 1e-9);  // 18 idle reserved hours
  EXPECT_DOUBLE_EQ(a.on_demand_total_usd, 220);
}

TEST(Commitment, QuantileRuleEqualsBruteForceOnRandomCurves) {
  Lcg g{42};
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<double> hourly(200);
    const double peak = 1 + 9 * g.next();
    for (auto& h : hourly) h = g.next() < 0.2 ? 0 : peak * g.next();  // fractional instance-hours too
    const double od = 10, reserved = 2 + 7 * g.next();
    const auto a = recommend_commitments(curve_of(hourly, kA, od), book(od, reserved, 0.3), Term::one_year,
                                         Payment::no_upfront);
    const auto& r = a.reservations.at(0);
    // Brute force: the cheapest point of the curve (every count applied to the usage).
    const auto best = std::min_element(r.curve.begin(), r.curve.end(),
                                       [](const auto& x, const auto& y) { return x.total_usd < y.total_usd; });
    EXPECT_NEAR(r.curve[static_cast<std::size_t>(r.count)].total_usd, best->total_usd, 1e-6) << "trial " << trial;
  }
}

TEST(Commitment, SavingsPlanMinimumMatchesDenseSearchAndTheQuantileFormula) {
  Lcg g{7};
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<double> hourly(96);
    for (auto& h : hourly) h = static_cast<double>(static_cast<int>(5 * g.next()));  // 0..4 instances
    const double d = 0.2 + 0.5 * g.next(), od = 10;
    const auto u = curve_of(hourly, kA, od);
    const auto b = book(od, 9, d);
    const double c = best_savings_plan(u, b, Offering::savings_plan_compute, Term::one_year);
    const double at_c = savings_plan_total(u, b, Offering::savings_plan_compute, Term::one_year, c);
    double dense = 1e300;
    for (int i = 0; i <= 4000; ++i)
      dense = std::min(dense, savings_plan_total(u, b, Offering::savings_plan_compute, Term::one_year, i * 0.01));
    EXPECT_LE(at_c, dense + 1e-6) << "trial " << trial;
    // One discount d: commit (1 - d) x the hourly on-demand spend exceeded in more than (1 - d) of the hours.
    std::vector<double> spend;
    for (double h : hourly) spend.push_back(h * od);
    std::sort(spend.begin(), spend.end());
    int k = 0;  // units of $10 on-demand (one instance) worth committing
    while (k < 4 &&
           static_cast<double>(std::count_if(spend.begin(), spend.end(), [&](double s) { return s > k * od; })) /
                   static_cast<double>(spend.size()) >
               1 - d)
      ++k;
    EXPECT_NEAR(c, k * od * (1 - d), 1e-9) << "trial " << trial;
  }
}

TEST(Commitment, SavingsPlanHandCase) {
  // Four hours of 0, 1, 1, 2 instances at $10 on-demand, 40% plan discount ($6 per instance-hour at the
  // plan rate). C = 6 covers one instance: 4 x 6 + 10 (the second in hour 4) = 34; C = 0: 40;
  // C = 12: 48. The minimum is C = 6 (one instance exceeded in 3 of 4 hours > 0.6).
  const auto u = curve_of({0, 1, 1, 2}, kA, 10);
  const auto b = book(10, 9, 0.4);
  EXPECT_DOUBLE_EQ(savings_plan_total(u, b, Offering::savings_plan_compute, Term::one_year, 0), 40);
  EXPECT_NEAR(savings_plan_total(u, b, Offering::savings_plan_compute, Term::one_year, 6), 34, 1e-9);
  EXPECT_NEAR(savings_plan_total(u, b, Offering::savings_plan_compute, Term::one_year, 12), 48, 1e-9);
  EXPECT_NEAR(best_savings_plan(u, b, Offering::savings_plan_compute, Term::one_year), 6, 1e-9);
  const auto a = recommend_commitments(u, b, Term::one_year, Payment::no_upfront);
  ASSERT_TRUE(a.savings_plan);
  EXPECT_NEAR(a.savings_plan->total_usd, 34, 1e-9);
}

TEST(Commitment, TypesWithoutAReservedPriceAreNoted) {
  const auto u = curve_of({1, 1}, kB, 5);
  const auto a = recommend_commitments(u, book(10, 6, 0.3), Term::one_year, Payment::no_upfront);
  EXPECT_TRUE(a.reservations.empty());
  ASSERT_EQ(a.notes.size(), 2u);
  EXPECT_EQ(a.notes[0], "no reserved 1y no-upfront price for b.large in aws us-east-1 in ");
}

TEST(Commitment, UsageCsvRoundTripsAndTheCurveIsWritten) {
  // What `fleetsim commit RUN_DIR` reads and writes: usage.csv back into the same
  // curve, and commitment.csv with the recommended count marked.
  auto u = curve_of({0, 1, 1, 2, 2, 2, 3, 3, 4, 4}, kA, 10);
  models::UsageSlice spot;
  spot.category = "spot pool";
  spot.key = kB;
  spot.spot = true;
  spot.spot_usd = 1.25;
  u[3].push_back(spot);
  const auto dir = std::filesystem::temp_directory_path();
  write_usage_csv((dir / "fleetsim_usage.csv").string(), u);
  const auto back = load_usage_csv((dir / "fleetsim_usage.csv").string());
  ASSERT_EQ(back.size(), u.size());
  EXPECT_DOUBLE_EQ(back[9][0].instance_hours, 4);
  EXPECT_EQ(back[3][1].category, "spot pool");
  EXPECT_TRUE(back[3][1].spot);
  EXPECT_DOUBLE_EQ(back[3][1].spot_usd, 1.25);
  const auto a = recommend_commitments(back, book(10, 6, 0.3), Term::one_year, Payment::no_upfront);
  write_commitment_csv((dir / "fleetsim_commitment.csv").string(), a);
  std::ifstream in(dir / "fleetsim_commitment.csv");
  std::stringstream text;
  text << in.rdbuf();
  std::string line;
  std::getline(text, line);
  EXPECT_EQ(line, "commitment,instance_type,level,total_usd,unused_usd,savings_usd,recommended");
  std::vector<std::string> rows;
  while (std::getline(text, line)) rows.push_back(line);
  // Counts 0..4 (the spot pool's $1.25 is in every total; 2 reserved leave 4 unit-hours x $6 unused),
  // then the savings-plan curve.
  ASSERT_GE(rows.size(), 5u);
  EXPECT_EQ(rows[0], "reserved 1y no-upfront,a.large,0,221.25,0,0,false");
  EXPECT_EQ(rows[2], "reserved 1y no-upfront,a.large,2,181.25,24,40,true");
}

}  // namespace
}  // namespace fleetsim::analysis
