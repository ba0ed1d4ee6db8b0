// The price book: effective hourly rates of reservations (upfront spread over
// the term plus the hourly charge), savings-plan discounts, the shipped AWS
// data, and exact messages for bad rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/price_book.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

namespace fs = std::filesystem;

const std::string kHeader = "cloud,region,instance_type,offering,term,payment,upfront_usd,usd_per_hour\n";

std::string write_book(const std::string& name, const std::string& rows) {
  const auto path = (fs::temp_directory_path() / ("fleetsim_price_book_" + name + ".csv")).string();
  std::ofstream(path) << kHeader << rows;
  return path;
}

std::string error_of(const std::string& rows) {
  try {
    PriceBook::load_csv(write_book("bad", rows));
  } catch (const InputError& e) {
    const std::string m = e.what();
    return m.substr(m.find(".csv") + 4);  // drop the temporary directory
  }
  return "(no error)";
}

TEST(PriceBook, EffectiveRateSpreadsTheUpfrontOverTheTerm) {
  // 1 year = 365 x 24 = 8,760 h; 3 years = 26,280 h.
  Price partial{Offering::reserved, Term::one_year, Payment::partial_upfront, 18396, 2.10, "", 0};
  EXPECT_NEAR(partial.effective_usd_per_hour(), 18396.0 / 8760 + 2.10, 1e-12);  // 2.10 + 2.10
  EXPECT_NEAR(partial.effective_usd_per_hour(), 4.20, 1e-12);
  Price all{Offering::reserved, Term::three_years, Payment::all_upfront, 26280, 0, "", 0};
  EXPECT_DOUBLE_EQ(all.effective_usd_per_hour(), 1.0);
  Price none{Offering::reserved, Term::one_year, Payment::no_upfront, 0, 13.921094, "", 0};
  EXPECT_DOUBLE_EQ(none.effective_usd_per_hour(), 13.921094);
  EXPECT_DOUBLE_EQ(term_hours(Term::one_year), 8760);
  EXPECT_DOUBLE_EQ(term_hours(Term::three_years), 26280);
}

TEST(PriceBook, LoadsRowsAndSavingsPlanDiscounts) {
  const auto b = PriceBook::load_csv(write_book("ok",
                                                "aws,us-east-1,x.large,on-demand,,,0,10\n"
                                                "aws,us-east-1,x.large,reserved,1y,partial-upfront,8760,5\n"
                                                "aws,us-east-1,x.large,savings-plan-compute,1y,,0,7\n"
                                                "aws,us-east-1,x.large,savings-plan-instance,3y,all-upfront,0,4\n"
                                                "gcp,us-central1,a2-highgpu-1g,committed-use,1y,,0,2.3\n"));
  EXPECT_EQ(b.size(), 5u);
  const PriceKey k{"aws", "us-east-1", "x.large"};
  EXPECT_EQ(*b.on_demand(k), 10);
  EXPECT_DOUBLE_EQ(b.find(k, Offering::reserved, Term::one_year, Payment::partial_upfront)->effective_usd_per_hour(),
                   6.0);  // 8760 / 8760 + 5
  EXPECT_NEAR(*b.savings_plan_discount(k, Offering::savings_plan_compute, Term::one_year), 0.3, 1e-12);
  EXPECT_NEAR(*b.savings_plan_discount(k, Offering::savings_plan_instance, Term::three_years), 0.6, 1e-12);
  EXPECT_FALSE(b.savings_plan_discount(k, Offering::savings_plan_compute, Term::three_years));
  EXPECT_FALSE(b.on_demand({"aws", "us-west-2", "x.large"}));
  // A committed-use discount without an on-demand row still has its rate.
  EXPECT_DOUBLE_EQ(b.find({"gcp", "us-central1", "a2-highgpu-1g"}, Offering::committed_use, Term::one_year,
                          Payment::no_upfront)
                       ->usd_per_hour,
                   2.3);
}

TEST(PriceBook, ShippedAwsPricesMatchTheSource) {
  const auto b = PriceBook::load_csv(builtin_price_book_path());
  EXPECT_EQ(b.size(), 1960u);  // 1,157 on-demand rows and 803 1-year no-upfront reservations
  const PriceKey p4d{"aws", "us-east-1", "p4d.24xlarge"};
  EXPECT_DOUBLE_EQ(*b.on_demand(p4d), 21.957642);
  EXPECT_DOUBLE_EQ(b.find(p4d, Offering::reserved, Term::one_year, Payment::no_upfront)->usd_per_hour, 13.921094);
  EXPECT_DOUBLE_EQ(*b.on_demand({"aws", "us-east-1", "g5.xlarge"}), 1.006);
}

TEST(PriceBook, BadRowsNameLineAndColumn) {
  EXPECT_EQ(error_of("aws,us-east-1,x,spot,,,0,1\n"),
            ":2: offering: expected on-demand, reserved, savings-plan-compute, savings-plan-instance or "
            "committed-use, got 'spot'");
  EXPECT_EQ(error_of("aws,us-east-1,x,reserved,2y,no-upfront,0,1\n"), ":2: term: expected 1y or 3y, got '2y'");
  EXPECT_EQ(error_of("aws,us-east-1,x,on-demand,1y,,0,1\n"),
            ":2: term: expected no term for an on-demand price (empty), got '1y'");
  EXPECT_EQ(error_of("aws,us-east-1,x,reserved,1y,all-upfront,100,1\n"),
            ":2: usd_per_hour: expected 0 for an all-upfront reservation (its price is the upfront payment), got '1'");
  EXPECT_EQ(error_of("aws,us-east-1,x,savings-plan-compute,1y,,5,1\n"),
            ":2: upfront_usd: expected 0 for a savings-plan-compute price (give its hourly rate), got '5'");
  EXPECT_EQ(error_of("aws,us-east-1,x,on-demand,,,0,1\naws,us-east-1,x,on-demand,,,0,2\n"),
            ":3: instance_type: expected one row per cloud, region, instance type, offering, term and payment; x in "
            "aws us-east-1 is listed twice, got 'x'");
}

}  // namespace
}  // namespace fleetsim::models
