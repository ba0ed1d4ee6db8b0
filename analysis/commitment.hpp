#pragma once
// The commitment recommender: from a run's hourly usage, the number of reserved
// instances per instance type, or the savings-plan $/h, that minimizes the
// run's total cost, and the curve of total cost against the commitment.
//
// Reservations: the k-th reserved instance costs its effective rate r every
// hour and saves the on-demand rate p in the hours usage reaches it, so it pays
// for itself when usage exceeds k - 1 instances in more than r / p (the
// break-even share) of the hours. The minimizer is therefore the quantile rule:
// reserve up to the usage level exceeded in more than the break-even share of
// hours (models::reservation_quantile_count). The curve is computed by applying
// each count to the run's usage (models::apply_commitments), a brute-force check.
//
// Savings plans: total cost against the hourly commitment C is convex and
// piecewise linear (each hour pays C plus on-demand for what C does not cover,
// and the uncovered part falls ever more slowly as C grows, since the highest
// discounts are covered first); its minimum lies at a breakpoint, where C just
// covers a whole prefix of some hour's usage, which is searched exactly. With a
// single discount d this is again a quantile rule: C* = (1 - d) x the hourly
// on-demand spend exceeded in more than (1 - d) of the hours.
#include <optional>
#include <string>
#include <vector>

#include "models/price_book.hpp"
#include "models/purchasing.hpp"

namespace fleetsim::analysis {

struct CurvePoint {
  double level = 0;      // reserved instances, or savings-plan $/h
  double total_usd = 0;  // the run's effective bill with this commitment
  double unused_usd = 0;
};

struct ReservationAdvice {
  models::PriceKey key;
  double od_usd_per_hour = 0;         // the nodes' on-demand rate (mean over their instance-hours)
  double effective_usd_per_hour = 0;  // the reservation's, from the price book
  double break_even = 0;              // effective / on-demand
  int count = 0;                      // the quantile rule
  int curve_min_count = 0;            // the smallest minimizer of the curve
  std::vector<CurvePoint> curve;      // counts 0 .. peak usage
};

struct SavingsPlanAdvice {
  double usd_per_hour = 0;    // the minimizer
  double total_usd = 0;       // at the minimizer
  std::vector<CurvePoint> curve;
};

struct CommitmentAdvice {
  models::Term term = models::Term::one_year;
  models::Payment payment = models::Payment::no_upfront;
  models::Offering plan = models::Offering::savings_plan_compute;
  double on_demand_total_usd = 0;     // the run's bill without commitments
  std::vector<ReservationAdvice> reservations;
  std::optional<SavingsPlanAdvice> savings_plan;  // where the book has plan rates for the usage
  std::vector<std::string> notes;                 // types the book cannot price
};

// The total effective bill of `usage` with savings plan C alone.
double savings_plan_total(const models::UsageCurve& usage, const models::PriceBook& book, models::Offering plan,
                          models::Term term, double usd_per_hour);
// The exact minimizer of savings_plan_total over C >= 0 (the smallest one).
double best_savings_plan(const models::UsageCurve& usage, const models::PriceBook& book, models::Offering plan,
                         models::Term term);

CommitmentAdvice recommend_commitments(const models::UsageCurve& usage, const models::PriceBook& book,
                                       models::Term term, models::Payment payment,
                                       models::Offering plan = models::Offering::savings_plan_compute);

// commitment.csv: commitment, instance_type, level, total_usd, unused_usd, savings_usd, recommended.
void write_commitment_csv(const std::string& path, const CommitmentAdvice& a);

}  // namespace fleetsim::analysis
