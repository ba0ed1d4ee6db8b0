#include "analysis/commitment.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "util/csv.hpp"

namespace fleetsim::analysis {

namespace {

models::Commitments plan_only(models::Offering plan, models::Term term, double usd_per_hour) {
  models::Commitments c;
  c.savings_plan = models::SavingsPlan{plan, term, usd_per_hour, "", ""};
  return c;
}

// Plan-rate spend of each hour's eligible usage, in the order the plan covers it.
std::vector<std::vector<double>> plan_spend(const models::UsageCurve& usage, const models::PriceBook& book,
                                            models::Offering plan, models::Term term) {
  std::vector<std::vector<double>> out(usage.size());
  for (std::size_t h = 0; h < usage.size(); ++h) {
    std::vector<std::pair<double, double>> items;  // discount, plan-rate spend
    for (const auto& s : usage[h]) {
      if (s.spot || s.instance_hours <= 0) continue;
      const auto d = book.savings_plan_discount(s.key, plan, term);
      if (d) items.push_back({*d, s.instance_hours * s.od_usd_per_hour * (1 - *d)});
    }
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [d, spend] : items) out[h].push_back(spend);
  }
  return out;
}

}  // namespace

double savings_plan_total(const models::UsageCurve& usage, const models::PriceBook& book, models::Offering plan,
                          models::Term term, double usd_per_hour) {
  return models::apply_commitments(usage, plan_only(plan, term, usd_per_hour), book).effective_usd;
}

double best_savings_plan(const models::UsageCurve& usage, const models::PriceBook& book, models::Offering plan,
                         models::Term term) {
  // Breakpoints: C that exactly covers a prefix of some hour's eligible usage.
  std::vector<double> candidates{0.0};
  for (const auto& hour : plan_spend(usage, book, plan, term)) {
    double cum = 0;
    for (double s : hour) candidates.push_back(cum += s);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // Total cost is convex in C, so its values at sorted breakpoints fall, then
  // rise: find the first breakpoint whose successor is not cheaper.
  auto cost = [&](std::size_t i) { return savings_plan_total(usage, book, plan, term, candidates[i]); };
  std::size_t lo = 0, hi = candidates.size() - 1;
  const double eps = 1e-9;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (cost(mid + 1) < cost(mid) - eps * std::max(1.0, std::abs(cost(mid))))
      lo = mid + 1;
    else
      hi = mid;
  }
  return candidates[lo];
}

CommitmentAdvice recommend_commitments(const models::UsageCurve& usage, const models::PriceBook& book,
                                       models::Term term, models::Payment payment, models::Offering plan) {
  CommitmentAdvice a;
  a.term = term;
  a.payment = payment;
  a.plan = plan;
  a.on_demand_total_usd = models::apply_commitments(usage, {}, book).effective_usd;
  for (const auto& key : models::on_demand_types(usage)) {
    const auto* ri = book.find(key, models::Offering::reserved, term, payment);
    if (!ri) {
      a.notes.push_back(std::string("no reserved ") + to_string(term) + " " + to_string(payment) + " price for " +
                        key.instance_type + " in " + key.cloud + " " + key.region + " in " + book.source());
      continue;
    }
    ReservationAdvice r;
    r.key = key;
    r.effective_usd_per_hour = ri->effective_usd_per_hour();
    double hours = 0, usd = 0;
    for (const auto& hour : usage)
      for (const auto& s : hour)
        if (!s.spot && s.key == key) {
          hours += s.instance_hours;
          usd += s.instance_hours * s.od_usd_per_hour;
        }
    r.od_usd_per_hour = hours > 0 ? usd / hours : 0;
    r.break_even = r.od_usd_per_hour > 0 ? r.effective_usd_per_hour / r.od_usd_per_hour : 1;
    const auto hourly = models::hourly_instance_hours(usage, key);
    r.count = models::reservation_quantile_count(hourly, r.break_even);
    const int peak = static_cast<int>(std::ceil(*std::max_element(hourly.begin(), hourly.end()) - 1e-9));
    double best = 0;
    for (int n = 0; n <= peak; ++n) {
      models::Commitments c;
      c.reserved.push_back({key, n, models::Offering::reserved, term, payment, r.effective_usd_per_hour});
      const auto bill = models::apply_commitments(usage, c, book);
      r.curve.push_back({static_cast<double>(n), bill.effective_usd, bill.unused_usd});
      if (n == 0 || bill.effective_usd < best - 1e-9 * std::max(1.0, best)) {
        best = bill.effective_usd;
        r.curve_min_count = n;
      }
    }
    a.reservations.push_back(std::move(r));
  }
  const auto spend = plan_spend(usage, book, plan, term);
  double peak = 0;
  bool any = false;
  for (const auto& hour : spend) {
    double sum = 0;
    for (double s : hour) sum += s;
    peak = std::max(peak, sum);
    any = any || !hour.empty();
  }
  if (any) {
    SavingsPlanAdvice sp;
    sp.usd_per_hour = best_savings_plan(usage, book, plan, term);
    sp.total_usd = savings_plan_total(usage, book, plan, term, sp.usd_per_hour);
    constexpr int kSteps = 50;
    std::vector<double> levels;
    for (int i = 0; i <= kSteps; ++i) levels.push_back(peak * i / kSteps);
    levels.push_back(sp.usd_per_hour);
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    for (double c : levels) {
      const auto bill = models::apply_commitments(usage, plan_only(plan, term, c), book);
      sp.curve.push_back({c, bill.effective_usd, bill.unused_usd});
    }
    a.savings_plan = std::move(sp);
  } else {
    a.notes.push_back(std::string("no ") + to_string(plan) + " " + to_string(term) + " rates for the run's on-demand "
                      "instance types in " + book.source() + ": no savings-plan curve");
  }
  return a;
}

void write_commitment_csv(const std::string& path, const CommitmentAdvice& a) {
  std::ofstream out(path);
  out.precision(17);
  out << "commitment,instance_type,level,total_usd,unused_usd,savings_usd,recommended\n";
  const std::string ri = std::string("reserved ") + to_string(a.term) + " " + to_string(a.payment);
  for (const auto& r : a.reservations)
    for (const auto& p : r.curve)
      out << csv_field(ri) << ',' << csv_field(r.key.instance_type) << ',' << p.level << ',' << p.total_usd << ','
          << p.unused_usd << ',' << a.on_demand_total_usd - p.total_usd << ','
          << (static_cast<int>(p.level) == r.count ? "true" : "false") << '\n';
  if (a.savings_plan)
    for (const auto& p : a.savings_plan->curve)
      out << csv_field(std::string(to_string(a.plan)) + " " + to_string(a.term)) << ",*," << p.level << ','
          << p.total_usd << ',' << p.unused_usd << ',' << a.on_demand_total_usd - p.total_usd << ','
          << (p.level == a.savings_plan->usd_per_hour ? "true" : "false") << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace fleetsim::analysis
