// Reserved instances and savings plans applied to hourly usage, against hand
// computation (SEMANTICS.md G8.2 among them), and the purchasing: block of a
// scenario: what it reads, how it moves pools to spot, and exact messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/purchasing.hpp"
#include "scenario/scenario.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

namespace fs = std::filesystem;

const PriceKey kA{"aws", "us-east-1", "a.large"};
const PriceKey kB{"aws", "us-east-1", "b.large"};

UsageSlice od(const std::string& pool, const PriceKey& k, double rate, double hours) {
  UsageSlice s;
  s.category = pool;
  s.key = k;
  s.od_usd_per_hour = rate;
  s.instance_hours = hours;
  return s;
}

PriceBook plan_book() {
  // A: 40% savings-plan discount, B: 30% (rates per instance-hour).
  PriceBook b;
  b.add(kA, {Offering::on_demand, Term::none, Payment::none, 0, 8, "", 0});
  b.add(kA, {Offering::savings_plan_compute, Term::one_year, Payment::no_upfront, 0, 8 * 0.6, "", 0});
  b.add(kB, {Offering::on_demand, Term::none, Payment::none, 0, 10, "", 0});
  b.add(kB, {Offering::savings_plan_compute, Term::one_year, Payment::no_upfront, 0, 10 * 0.7, "", 0});
  return b;
}

Commitments plan(double usd_per_hour) {
  Commitments c;
  c.savings_plan = SavingsPlan{Offering::savings_plan_compute, Term::one_year, usd_per_hour, "", ""};
  return c;
}

TEST(SavingsPlan, HighestDiscountFirstAsInSemanticsG82) {
  // C = $10/h; A $8 on-demand at 40% off ($4.80 at the plan rate), B $10 at 30% off ($7).
  // A first: 10 - 4.8 = 5.2 left; B: 5.2 of its $7 covered, 1.8/7 of its $10 on-demand
  // unpaid: $2.5714; the hour costs 10 + 2.5714 = $12.5714 (vs $18).
  const UsageCurve u{{od("p", kB, 10, 1), od("p", kA, 8, 1)}};
  const auto bill = apply_commitments(u, plan(10), plan_book());
  EXPECT_NEAR(bill.effective_usd, 10 + 10 * 1.8 / 7, 1e-9);
  EXPECT_NEAR(bill.effective_usd, 12.571428571, 1e-6);
  EXPECT_DOUBLE_EQ(bill.list_usd, 18);
  EXPECT_DOUBLE_EQ(bill.unused_usd, 0);
  // Only A: the hour costs the whole $10, of which $5.20 is unused.
  const auto only_a = apply_commitments({{od("p", kA, 8, 1)}}, plan(10), plan_book());
  EXPECT_NEAR(only_a.effective_usd, 10, 1e-12);
  EXPECT_NEAR(only_a.unused_usd, 5.2, 1e-12);
  EXPECT_NEAR(only_a.savings_plan_used_usd, 4.8, 1e-12);
}

TEST(SavingsPlan, UnusedEveryHourAndUsageWithoutARateStaysOnDemand) {
  PriceBook b = plan_book();
  const PriceKey c{"aws", "us-east-1", "c.large"};  // no plan rate
  b.add(c, {Offering::on_demand, Term::none, Payment::none, 0, 3, "", 0});
  // Hour 0: A half an hour ($4 on-demand, $2.40 at plan rate) and C; hour 1: nothing.
  const UsageCurve u{{od("p", kA, 8, 0.5), od("q", c, 3, 1)}, {}};
  const auto bill = apply_commitments(u, plan(2), b);
  // Hour 0: $2 covers 2/2.4 of A; 0.4/2.4 of $4 on-demand = $0.6667 plus C $3 -> $5.6667.
  // Hour 1: $2 unused.
  EXPECT_NEAR(bill.effective_usd, 2 + 4 * 0.4 / 2.4 + 3 + 2, 1e-9);
  EXPECT_NEAR(bill.unused_usd, 2, 1e-12);
  EXPECT_DOUBLE_EQ(bill.list_usd, 7);
  ASSERT_EQ(bill.rows.size(), 4u);  // hour 0: p, q, plan; hour 1: plan
  EXPECT_EQ(bill.rows[2].category, "savings plan compute 1y $2/h");
  EXPECT_EQ(bill.rows[3].hour, 1u);
  EXPECT_NEAR(bill.rows[3].unused_usd, 2, 1e-12);
}

TEST(Reservations, CoverUpToCountEachHourAndUnusedIsPaid) {
  // 2 reserved at $6/h effective, on-demand $10/h; usage 3, 1, 0 instances.
  Commitments c;
  c.reserved.push_back({kA, 2, Offering::reserved, Term::one_year, Payment::no_upfront, 6});
  const UsageCurve u{{od("p", kA, 10, 3)}, {od("p", kA, 10, 1)}, {}};
  const auto bill = apply_commitments(u, c, PriceBook{});
  // Hour 0: 2 x 6 + 1 x 10 = 22; hour 1: 6 + 6 unused = 12; hour 2: 12 unused.
  EXPECT_DOUBLE_EQ(bill.effective_usd, 22 + 12 + 12);
  EXPECT_DOUBLE_EQ(bill.list_usd, 40);
  EXPECT_DOUBLE_EQ(bill.unused_usd, 18);
  EXPECT_DOUBLE_EQ(bill.reserved_hours_used, 3);
  EXPECT_DOUBLE_EQ(bill.reserved_hours_unused, 3);
  EXPECT_EQ(bill.rows[1].category, "reserved 2 x a.large 1y no-upfront");
}

TEST(Reservations, ApplyBeforeTheSavingsPlanAndNeverToSpot) {
  Commitments c = plan(10);
  c.reserved.push_back({kA, 1, Offering::reserved, Term::one_year, Payment::no_upfront, 5});
  UsageSlice spot = od("s", kA, 8, 0);
  spot.spot = true;
  spot.spot_usd = 2.5;
  // Two A instances: one reserved ($5), the other under the plan ($4.80 of $10; $5.20 unused);
  // the spot A node pays its $2.50 as billed.
  const UsageCurve u{{od("p", kA, 8, 2), spot}};
  const auto bill = apply_commitments(u, c, plan_book());
  EXPECT_NEAR(bill.effective_usd, 5 + 10 + 2.5, 1e-9);
  EXPECT_NEAR(bill.list_usd, 16 + 2.5, 1e-12);
  EXPECT_NEAR(bill.unused_usd, 5.2, 1e-9);
  EXPECT_EQ(bill.rows[1].category, "s");
  EXPECT_DOUBLE_EQ(bill.rows[1].effective_usd, 2.5);
}

TEST(Reservations, CoverageIsSharedInProportionAmongPools) {
  Commitments c;
  c.reserved.push_back({kA, 1, Offering::reserved, Term::one_year, Payment::no_upfront, 6});
  // Pools p and q each run one A for the hour: each gets half the reservation.
  const auto bill = apply_commitments({{od("p", kA, 10, 1), od("q", kA, 10, 1)}}, c, PriceBook{});
  EXPECT_DOUBLE_EQ(bill.rows[0].effective_usd, 0.5 * 6 + 0.5 * 10);
  EXPECT_DOUBLE_EQ(bill.rows[1].effective_usd, 0.5 * 6 + 0.5 * 10);
  EXPECT_DOUBLE_EQ(bill.effective_usd, 16);
}

TEST(Reservations, QuantileRuleCountsUnitsUsedMoreThanTheShare) {
  const std::vector<double> u{0, 1, 1, 2, 2, 2, 3, 3, 4, 4};
  EXPECT_DOUBLE_EQ(unit_use_share(u, 1), 0.9);
  EXPECT_DOUBLE_EQ(unit_use_share(u, 2), 0.7);
  EXPECT_DOUBLE_EQ(unit_use_share(u, 3), 0.4);
  EXPECT_EQ(reservation_quantile_count(u, 0.6), 2);
  EXPECT_EQ(reservation_quantile_count(u, 0.7), 1);  // a tie buys nothing: same cost, less commitment
  EXPECT_EQ(reservation_quantile_count(u, 0), 4);
  EXPECT_DOUBLE_EQ(unit_use_share({0.5, 1.5}, 2), 0.25);  // half an hour of a second instance in one of two hours
}

// --- the scenario's purchasing: block ---

std::string yaml(const std::string& purchasing, const std::string& pools = "") {
  return "name: s\ncluster:\n  pools:\n    - {name: train, instance_type: p4d.24xlarge, count: 1}\n"
         "    - {name: serve, instance_type: g5.xlarge, count: 1}\n" + pools + purchasing +
         "workload:\n  - name: w\n    synthetic:\n      count: 1\n      arrivals: {rate: 1/h}\n"
         "      duration: {distribution: exponential, mean: 1h}\n"
         "      shapes: [{weight: 1, gpus_per_pod: 1}]\n";
}

std::string error_of(const std::string& text) {
  try {
    scenario::parse_scenario(text, "s.yaml", "");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PurchasingYaml, ReadsReservationsAndPlans) {
  const auto s = scenario::parse_scenario(
      yaml("purchasing:\n  policy: reserved-baseline\n  reserved:\n"
           "    - {instance_type: p4d.24xlarge, count: 2, term: 1y, payment: no-upfront}\n"),
      "s.yaml", "");
  ASSERT_TRUE(s.purchasing.present);
  EXPECT_EQ(s.purchasing.policy.name, "reserved-baseline");
  ASSERT_EQ(s.purchasing.held.reserved.size(), 1u);
  EXPECT_EQ(s.purchasing.held.reserved[0].count, 2);
  EXPECT_DOUBLE_EQ(s.purchasing.held.reserved[0].effective_usd_per_hour, 13.921094);
  EXPECT_FALSE(scenario::parse_scenario(yaml(""), "s.yaml", "").purchasing.present);
}

TEST(PurchasingYaml, SpotTolerantMovesNamedPoolsToSpot) {
  const auto s = scenario::parse_scenario(
      yaml("purchasing: {policy: spot-tolerant, pools: train, discount: 0.6, interruption: 5-10%}\n"), "s.yaml", "");
  EXPECT_EQ(s.pools[0].capacity_type, CapacityType::spot);
  EXPECT_NEAR(s.pools[0].usd_per_hour, 21.957642 * 0.4, 1e-9);
  EXPECT_EQ(s.pools[1].capacity_type, CapacityType::on_demand);
}

TEST(PurchasingYaml, SpotTolerantNodePoolsFallBackToOnDemand) {
  // A NodePool named by spot-tolerant allows both capacity types: one spot and one
  // on-demand offering per instance type, so Karpenter can fall back to on-demand.
  const auto s = scenario::parse_scenario(
      "name: s\nkarpenter:\n  nodepools:\n    - name: gpu\n"
      "      requirements: {instance_type: p4d.24xlarge, capacity_type: on-demand}\n"
      "provisioning: karpenter\npurchasing: {policy: spot-tolerant, pools: gpu, discount: 0.5, interruption: 0.1}\n"
      "workload:\n  - name: w\n    synthetic:\n      count: 1\n      arrivals: {rate: 1/h}\n"
      "      duration: {distribution: exponential, mean: 1h}\n      shapes: [{weight: 1, gpus_per_pod: 1}]\n",
      "s.yaml", "");
  ASSERT_EQ(s.pools.size(), 2u);
  EXPECT_EQ(s.pools[0].name, "gpu/p4d.24xlarge/spot");
  EXPECT_NEAR(s.pools[0].usd_per_hour, 21.957642 * 0.5, 1e-9);
  EXPECT_EQ(s.pools[1].name, "gpu/p4d.24xlarge/on-demand");
}

TEST(PurchasingYaml, CommittedUseDiscountsApplyLikeReservations) {
  // An illustrative GCP committed-use rate (not a price list value): $2.00/h against $3.67 on-demand.
  const auto book = (fs::temp_directory_path() / "fleetsim_cud_book.csv").string();
  std::ofstream(book) << "cloud,region,instance_type,offering,term,payment,upfront_usd,usd_per_hour\n"
                         "gcp,us-central1,a2-highgpu-1g,committed-use,1y,,0,2.00\n";
  const auto s = scenario::parse_scenario(
      yaml("purchasing:\n  price_book: " + book +
           "\n  reserved:\n    - {instance_type: a2-highgpu-1g, count: 2, kind: committed-use}\n"),
      "s.yaml", "");
  ASSERT_EQ(s.purchasing.held.reserved.size(), 1u);
  const auto& cud = s.purchasing.held.reserved[0];
  EXPECT_EQ(cud.label(), "committed-use 2 x a2-highgpu-1g 1y");
  EXPECT_DOUBLE_EQ(cud.effective_usd_per_hour, 2.00);
  // One instance runs for the hour: one committed unit covers it, the other is paid unused.
  const auto bill = apply_commitments({{od("p", cud.key, 3.67, 1)}}, s.purchasing.held, *s.purchasing.book);
  EXPECT_DOUBLE_EQ(bill.effective_usd, 4.00);
  EXPECT_DOUBLE_EQ(bill.unused_usd, 2.00);
  EXPECT_EQ(error_of(yaml("purchasing:\n  price_book: " + book +
                          "\n  reserved:\n    - {instance_type: a2-highgpu-1g, count: 1, kind: committed-use, "
                          "payment: all-upfront}\n")),
            "s.yaml:9: purchasing.reserved[0].payment: expected no payment option for a committed-use discount "
            "(billed monthly), got 'all-upfront'");
}

TEST(PurchasingYaml, MistakesNameTheField) {
  EXPECT_EQ(error_of(yaml("purchasing:\n  reserved:\n    - {instance_type: p4d.24xlarge, count: 1, term: 1y, "
                          "payment: partial-upfront}\n")),
            "s.yaml:8: purchasing.reserved[0].instance_type: expected an instance type with a reserved 1y "
            "partial-upfront price in aws us-east-1 in price book " +
                models::builtin_price_book_path() + "; p4d.24xlarge has none, got 'p4d.24xlarge'");
  EXPECT_EQ(error_of(yaml("purchasing:\n  reserved:\n    - {instance_type: p4d.24xlarge, count: 0}\n")),
            "s.yaml:8: purchasing.reserved[0].count: expected an integer in [1, 100000], got '0'");
  EXPECT_EQ(error_of(yaml("purchasing:\n  savings_plan: {usd_per_hour: 10, term: 1y}\n")),
            "s.yaml:7: purchasing.savings_plan: price book " + models::builtin_price_book_path() +
                " has no savings-plan-compute 1y rate for any instance type of catalog " +
                scenario::builtin_catalog_path() +
                "; expected a price book with the plan's rates (price_book: a CSV with savings-plan-compute rows)");
  EXPECT_EQ(error_of(yaml("purchasing: {policy: spot-tolerant, pools: trian}\n")),
            "s.yaml:6: purchasing.pools: expected names of the scenario's pools or NodePools (train, serve), "
            "got 'trian'");
  EXPECT_EQ(error_of(yaml("purchasing: {policy: reserved-baseline, term: 2y}\n")),
            "s.yaml:6: purchasing.term: expected 1y or 3y, got '2y'");
  EXPECT_EQ(error_of(yaml("purchasing: {policy: reserved-baseline, share: 2}\n")),
            "s.yaml:6: purchasing.share: expected a number in [0.000000, 1.000000], got '2'");
  EXPECT_EQ(error_of(yaml("purchasing: {policy: reserved, reserved: []}\n")),
            "s.yaml:6: purchasing.policy: expected one of on-demand, reserved-baseline, spot-tolerant, got 'reserved'");
  EXPECT_EQ(error_of(yaml("purchasing: {policy: on-demand, pools: train}\n")),
            "s.yaml:6: purchasing.pools: unknown key; valid keys here: policy, price_book, reserved, savings_plan");
}

}  // namespace
}  // namespace fleetsim::models
