#include "models/purchasing.hpp"

#include <algorithm>
#include <cstdio>

namespace fleetsim::models {

std::string Reservation::label() const {
  return std::string(to_string(offering)) + " " + std::to_string(count) + " x " + key.instance_type + " " +
         to_string(term) + (offering == Offering::reserved ? std::string(" ") + to_string(payment) : "");
}

std::string SavingsPlan::label() const {
  char usd[32];
  std::snprintf(usd, sizeof usd, "%g", usd_per_hour);
  std::string l = std::string("savings plan ") + (kind == Offering::savings_plan_compute ? "compute" : "instance");
  if (!family.empty()) l += " " + family;
  if (!region.empty()) l += " " + region;
  return l + " " + to_string(term) + " $" + usd + "/h";
}

std::string instance_family(const std::string& instance_type) {
  return instance_type.substr(0, instance_type.find('.'));
}

namespace {

struct Slice {
  const UsageSlice* u;
  double uncovered_h;     // instance-hours not yet covered by a commitment
  double effective = 0;   // what it costs with commitments so far
};

bool plan_covers(const SavingsPlan& p, const PriceKey& k) {
  if (p.kind == Offering::savings_plan_compute) return true;
  return instance_family(k.instance_type) == p.family && (p.region.empty() || p.region == k.region);
}

}  // namespace

PurchasedBill apply_commitments(const UsageCurve& usage, const Commitments& c, const PriceBook& book) {
  PurchasedBill bill;
  for (std::size_t h = 0; h < usage.size(); ++h) {
    std::vector<Slice> slices;
    for (const auto& u : usage[h]) slices.push_back({&u, u.spot ? 0.0 : u.instance_hours, u.spot ? u.spot_usd : 0.0});
    std::vector<BillRow> commitment_rows;

    // Reservations: each covers up to `count` instance-hours of its type this hour,
    // shared among the matching slices in proportion to their uncovered hours.
    for (const auto& r : c.reserved) {
      double eligible = 0;
      for (const auto& s : slices)
        if (!s.u->spot && s.u->key == r.key) eligible += s.uncovered_h;
      const double covered = std::min(eligible, static_cast<double>(r.count));
      for (auto& s : slices) {
        if (s.u->spot || !(s.u->key == r.key) || eligible <= 0) continue;
        const double c_h = s.uncovered_h * covered / eligible;
        s.uncovered_h -= c_h;
        s.effective += c_h * r.effective_usd_per_hour;
      }
      const double unused_h = r.count - covered;
      bill.reserved_hours_used += covered;
      bill.reserved_hours_unused += unused_h;
      const double unused = unused_h * r.effective_usd_per_hour;
      commitment_rows.push_back({h, r.label(), 0, unused, unused});
    }

    // The savings plan: highest discount first, then the lowest plan rate, then usage order.
    if (c.savings_plan) {
      const auto& p = *c.savings_plan;
      struct Item {
        std::size_t slice;
        double discount, plan_rate;
      };
      std::vector<Item> items;
      for (std::size_t i = 0; i < slices.size(); ++i) {
        const auto& s = slices[i];
        if (s.u->spot || s.uncovered_h <= 0 || !plan_covers(p, s.u->key)) continue;
        const auto d = book.savings_plan_discount(s.u->key, p.kind, p.term);
        if (!d) continue;
        items.push_back({i, *d, s.u->od_usd_per_hour * (1 - *d)});
      }
      std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        if (a.discount != b.discount) return a.discount > b.discount;
        return a.plan_rate < b.plan_rate;
      });
      double remaining = p.usd_per_hour;
      for (const auto& it : items) {
        auto& s = slices[it.slice];
        const double od = s.uncovered_h * s.u->od_usd_per_hour;
        const double at_plan_rate = od * (1 - it.discount);
        if (at_plan_rate <= 0) continue;
        const double covered = std::min(at_plan_rate, remaining);
        remaining -= covered;
        const double uncovered_share = (at_plan_rate - covered) / at_plan_rate;
        s.effective += covered;
        s.uncovered_h *= uncovered_share;  // charged on-demand below
        if (remaining <= 0) break;
      }
      bill.savings_plan_used_usd += p.usd_per_hour - remaining;
      commitment_rows.push_back({h, p.label(), 0, remaining, remaining});
    }

    // What no commitment covered is on-demand; rows aggregate slices by category.
    std::vector<BillRow> rows;
    for (const auto& s : slices) {
      const double effective = s.effective + s.uncovered_h * s.u->od_usd_per_hour;
      auto it = std::find_if(rows.begin(), rows.end(), [&](const BillRow& r) { return r.category == s.u->category; });
      if (it == rows.end()) {
        rows.push_back({h, s.u->category, 0, 0, 0});
        it = rows.end() - 1;
      }
      it->list_usd += s.u->list_usd();
      it->effective_usd += effective;
    }
    rows.insert(rows.end(), commitment_rows.begin(), commitment_rows.end());
    for (const auto& r : rows) {
      bill.list_usd += r.list_usd;
      bill.effective_usd += r.effective_usd;
      bill.unused_usd += r.unused_usd;
      bill.rows.push_back(r);
    }
  }
  return bill;
}

}  // namespace fleetsim::models

namespace fleetsim::models {

std::vector<double> hourly_instance_hours(const UsageCurve& usage, const PriceKey& key) {
  std::vector<double> out(usage.size(), 0.0);
  for (std::size_t h = 0; h < usage.size(); ++h)
    for (const auto& s : usage[h])
      if (!s.spot && s.key == key) out[h] += s.instance_hours;
  return out;
}

std::vector<PriceKey> on_demand_types(const UsageCurve& usage) {
  std::vector<PriceKey> out;
  for (const auto& hour : usage)
    for (const auto& s : hour)
      if (!s.spot && std::find(out.begin(), out.end(), s.key) == out.end()) out.push_back(s.key);
  return out;
}

double unit_use_share(const std::vector<double>& hourly, int k) {
  if (hourly.empty()) return 0;
  double used = 0;
  for (double u : hourly) used += std::clamp(u - (k - 1), 0.0, 1.0);
  return used / static_cast<double>(hourly.size());
}

int reservation_quantile_count(const std::vector<double>& hourly, double share) {
  int k = 0;
  // Use shares fall as k grows; ties with the share add nothing and are not bought.
  while (unit_use_share(hourly, k + 1) > share) ++k;
  return k;
}

}  // namespace fleetsim::models
