#include "models/price_book.hpp"

#include <cstdlib>

#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::models {

const char* to_string(Offering o) {
  switch (o) {
    case Offering::on_demand: return "on-demand";
    case Offering::reserved: return "reserved";
    case Offering::savings_plan_compute: return "savings-plan-compute";
    case Offering::savings_plan_instance: return "savings-plan-instance";
    case Offering::committed_use: return "committed-use";
  }
  return "?";
}
const char* to_string(Term t) {
  switch (t) {
    case Term::none: return "";
    case Term::one_year: return "1y";
    case Term::three_years: return "3y";
  }
  return "?";
}
const char* to_string(Payment p) {
  switch (p) {
    case Payment::none: return "";
    case Payment::no_upfront: return "no-upfront";
    case Payment::partial_upfront: return "partial-upfront";
    case Payment::all_upfront: return "all-upfront";
  }
  return "?";
}

std::optional<Offering> parse_offering(const std::string& s) {
  for (auto o : {Offering::on_demand, Offering::reserved, Offering::savings_plan_compute,
                 Offering::savings_plan_instance, Offering::committed_use})
    if (s == to_string(o)) return o;
  return std::nullopt;
}
std::optional<Term> parse_term(const std::string& s) {
  if (s == "1y") return Term::one_year;
  if (s == "3y") return Term::three_years;
  return std::nullopt;
}
std::optional<Payment> parse_payment(const std::string& s) {
  for (auto p : {Payment::no_upfront, Payment::partial_upfront, Payment::all_upfront})
    if (s == to_string(p)) return p;
  return std::nullopt;
}

double term_hours(Term t) {
  switch (t) {
    case Term::none: return 0;
    case Term::one_year: return 365.0 * 24;
    case Term::three_years: return 3 * 365.0 * 24;
  }
  return 0;
}

double Price::effective_usd_per_hour() const {
  const double h = term_hours(term);
  return (h > 0 ? upfront_usd / h : 0) + usd_per_hour;
}

PriceBook PriceBook::load_csv(const std::string& path) {
  CsvReader r(path);
  r.require({"cloud", "region", "instance_type", "offering", "term", "payment", "upfront_usd", "usd_per_hour"});
  PriceBook b;
  b.source_ = path;
  while (r.next()) {
    PriceKey k{r.str("cloud"), r.str("region"), r.str("instance_type")};
    if (k.instance_type.empty()) r.fail("instance_type", "an instance type name");
    Price p;
    const auto o = parse_offering(r.str("offering"));
    if (!o) r.fail("offering", "on-demand, reserved, savings-plan-compute, savings-plan-instance or committed-use");
    p.offering = *o;
    const std::string term = r.str("term"), payment = r.str("payment");
    if (p.offering == Offering::on_demand) {
      if (!term.empty()) r.fail("term", "no term for an on-demand price (empty)");
      if (!payment.empty()) r.fail("payment", "no payment option for an on-demand price (empty)");
    } else {
      const auto t = parse_term(term);
      if (!t) r.fail("term", "1y or 3y");
      p.term = *t;
      const auto pay = payment.empty() ? std::optional<Payment>(Payment::no_upfront) : parse_payment(payment);
      if (!pay) r.fail("payment", "no-upfront, partial-upfront or all-upfront");
      p.payment = *pay;
    }
    p.upfront_usd = r.non_negative_number("upfront_usd");
    p.usd_per_hour = r.non_negative_number("usd_per_hour");
    if (p.offering == Offering::reserved) {
      if (p.payment == Payment::no_upfront && p.upfront_usd > 0)
        r.fail("upfront_usd", "0 for a no-upfront reservation");
      if (p.payment == Payment::all_upfront && p.usd_per_hour > 0)
        r.fail("usd_per_hour", "0 for an all-upfront reservation (its price is the upfront payment)");
      if (p.payment == Payment::partial_upfront && p.upfront_usd <= 0)
        r.fail("upfront_usd", "a positive upfront payment for a partial-upfront reservation");
    } else if (p.upfront_usd > 0) {
      // Savings plans and committed-use discounts are priced per hour of use; an
      // upfront payment only prepays those hours.
      r.fail("upfront_usd", std::string("0 for a ") + to_string(p.offering) + " price (give its hourly rate)");
    }
    if (p.effective_usd_per_hour() <= 0) r.fail("usd_per_hour", "a positive price");
    if (auto s = r.opt_str("source")) p.source = *s;
    p.line = r.line();
    if (b.find(k, p.offering, p.term, p.payment))
      r.fail("instance_type", "one row per cloud, region, instance type, offering, term and payment; " +
                                  k.instance_type + " in " + k.cloud + " " + k.region + " is listed twice");
    b.add(k, std::move(p));
  }
  return b;
}

void PriceBook::add(const PriceKey& k, Price p) {
  auto& v = prices_[k];
  for (auto& q : v)
    if (q.offering == p.offering && q.term == p.term && q.payment == p.payment) {
      q = std::move(p);
      return;
    }
  v.push_back(std::move(p));
}

const Price* PriceBook::find(const PriceKey& k, Offering o, Term t, Payment p) const {
  auto it = prices_.find(k);
  if (it == prices_.end()) return nullptr;
  for (const auto& q : it->second)
    if (q.offering == o && q.term == t && q.payment == p) return &q;
  return nullptr;
}

std::optional<double> PriceBook::on_demand(const PriceKey& k) const {
  const Price* p = find(k, Offering::on_demand);
  return p ? std::optional<double>(p->usd_per_hour) : std::nullopt;
}

std::optional<double> PriceBook::savings_plan_discount(const PriceKey& k, Offering plan, Term t) const {
  const auto od = on_demand(k);
  // Payment options of a plan differ in rate; the book's no-upfront row is taken
  // first, then partial and all upfront.
  const Price* p = nullptr;
  for (auto pay : {Payment::no_upfront, Payment::partial_upfront, Payment::all_upfront})
    if (!p) p = find(k, plan, t, pay);
  if (!od || !p || *od <= 0) return std::nullopt;
  return 1 - p->effective_usd_per_hour() / *od;
}

std::size_t PriceBook::size() const {
  std::size_t n = 0;
  for (const auto& [k, v] : prices_) n += v.size();
  return n;
}

std::string builtin_price_book_path() {
  if (const char* d = std::getenv("FLEETSIM_DATA_DIR")) return std::string(d) + "/prices/aws-gpu-prices.csv";
  return std::string(FLEETSIM_SOURCE_DIR) + "/data/prices/aws-gpu-prices.csv";
}

}  // namespace fleetsim::models
