// reserved-baseline: reserve the baseline, burst on-demand. For each on-demand
// instance type the run used (and the scenario does not already reserve), buy
// the number of reserved instances that usage exceeded in more than `share` of
// the hours; the rest runs on-demand. share 0 (the default) takes each type's
// break-even share, effective reserved rate / on-demand rate, which is the count
// that minimizes the total (models/purchasing.hpp: reservation_quantile_count).
#include <algorithm>
#include <cstdio>

#include "policies/purchasing/purchase_policy.hpp"
#include "util/input_error.hpp"

namespace fleetsim::policies {
namespace {

class ReservedBaseline final : public PurchasePolicy {
 public:
  // Throws InputError("term: ...") for a term or payment option it does not know.
  explicit ReservedBaseline(const Params& p) : share_(p.number("share")) {
    const auto t = models::parse_term(p.text("term"));
    if (!t) throw InputError("term: expected 1y or 3y, got '" + p.text("term") + "'");
    const auto pay = models::parse_payment(p.text("payment"));
    if (!pay)
      throw InputError("payment: expected no-upfront, partial-upfront or all-upfront, got '" + p.text("payment") + "'");
    term_ = *t;
    payment_ = *pay;
  }

  models::Commitments buy(const models::UsageCurve& usage, const models::PriceBook& book,
                          const models::Commitments& held, std::vector<std::string>& notes) const override {
    models::Commitments c;
    for (const auto& key : models::on_demand_types(usage)) {
      if (std::any_of(held.reserved.begin(), held.reserved.end(), [&](const auto& r) { return r.key == key; }))
        continue;
      const auto* ri = book.find(key, models::Offering::reserved, term_, payment_);
      const auto od = book.on_demand(key);
      if (!ri || !od) {
        notes.push_back(std::string("reserved-baseline: ") + book.source() + " has no " +
                        (ri ? "on-demand" : std::string("reserved ") + to_string(term_) + " " + to_string(payment_)) +
                        " price for " + key.instance_type + " in " + key.cloud + " " + key.region +
                        "; it stays on-demand");
        continue;
      }
      const double share = share_ > 0 ? share_ : ri->effective_usd_per_hour() / *od;
      const int n = models::reservation_quantile_count(models::hourly_instance_hours(usage, key), share);
      if (n > 0) c.reserved.push_back({key, n, models::Offering::reserved, term_, payment_, ri->effective_usd_per_hour()});
    }
    return c;
  }

 private:
  double share_;
  models::Term term_ = models::Term::one_year;
  models::Payment payment_ = models::Payment::no_upfront;
};

const bool registered = PurchasePolicyRegistry::instance().add(
    {"reserved-baseline",
     "Reserve, per on-demand instance type, the usage level exceeded in more than `share` of the hours; burst "
     "on-demand.",
     {{"share", ParamKind::number, "0",
       "share of hours the reserved level must be exceeded in; 0 = each type's break-even (reserved / on-demand "
       "rate), which minimizes cost",
       0, 1},
      {"term", ParamKind::text, "1y", "reservation term: 1y or 3y"},
      {"payment", ParamKind::text, "no-upfront", "no-upfront, partial-upfront or all-upfront"}},
     [](const Params& p) { return std::make_unique<ReservedBaseline>(p); }});

}  // namespace
}  // namespace fleetsim::policies
