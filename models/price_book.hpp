#pragma once
// Prices of instance types by cloud, region and purchase option: on-demand,
// reserved instances (1 or 3 years, no/partial/all upfront), savings plans
// (compute or instance-family style, a rate per instance type and term) and
// committed-use discounts. Loaded from a CSV (data/prices/, docs/purchasing.md).
//
// A reservation's effective hourly rate spreads its upfront payment over every
// hour of the term and adds the recurring hourly charge:
//   effective = upfront_usd / term_hours + recurring_usd_per_hour
// which is how AWS values a reservation: the EC2 API's ReservationValue gives
// remainingTotalValue = remainingUpfrontValue + hourlyPrice x hours remaining
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReservationValue.html),
// and the Cost and Usage Report amortizes the upfront fee over the term
// (reservation/AmortizedUpfrontFeeForBillingPeriod,
// https://docs.aws.amazon.com/cur/latest/userguide/reservation-columns.html).
// A term is 365-day years: 8,760 hours (1y) or 26,280 hours (3y).
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace fleetsim::models {

enum class Offering { on_demand, reserved, savings_plan_compute, savings_plan_instance, committed_use };
enum class Term { none, one_year, three_years };
enum class Payment { none, no_upfront, partial_upfront, all_upfront };

const char* to_string(Offering o);
const char* to_string(Term t);
const char* to_string(Payment p);
std::optional<Offering> parse_offering(const std::string& s);
std::optional<Term> parse_term(const std::string& s);       // "1y", "3y"
std::optional<Payment> parse_payment(const std::string& s); // "no-upfront", "partial-upfront", "all-upfront"
double term_hours(Term t);                                   // 8760, 26280 (0 for none)

struct PriceKey {
  std::string cloud, region, instance_type;
  auto operator<=>(const PriceKey&) const = default;
};

struct Price {
  Offering offering = Offering::on_demand;
  Term term = Term::none;
  Payment payment = Payment::none;
  double upfront_usd = 0;
  double usd_per_hour = 0;  // on-demand rate, reservation's recurring charge, savings-plan or CUD rate
  std::string source;
  int line = 0;             // in the CSV, for messages
  // What one hour costs under this option: upfront spread over the term plus the hourly charge.
  double effective_usd_per_hour() const;
};

class PriceBook {
 public:
  // Columns: cloud, region, instance_type, offering, term, payment, upfront_usd,
  // usd_per_hour (source optional). Throws InputError naming file, line and column.
  static PriceBook load_csv(const std::string& path);
  void add(const PriceKey& k, Price p);  // replaces an equal (offering, term, payment)

  const Price* find(const PriceKey& k, Offering o, Term t = Term::none, Payment p = Payment::none) const;
  std::optional<double> on_demand(const PriceKey& k) const;
  // Savings-plan discount (1 - plan rate / on-demand rate) of an instance type; nullopt where either is missing.
  std::optional<double> savings_plan_discount(const PriceKey& k, Offering plan, Term t) const;
  const std::string& source() const { return source_; }
  std::size_t size() const;

 private:
  std::map<PriceKey, std::vector<Price>> prices_;
  std::string source_;
};

// The price book shipped in data/prices/aws-gpu-prices.csv.
std::string builtin_price_book_path();

}  // namespace fleetsim::models
