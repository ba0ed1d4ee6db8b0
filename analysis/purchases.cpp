#include "analysis/purchases.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "policies/purchasing/purchase_policy.hpp"
#include "util/csv.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {

namespace {

void add_slice(models::HourUsage& hour, const models::UsageSlice& s) {
  for (auto& x : hour)
    if (x.category == s.category && x.key == s.key && x.spot == s.spot && x.od_usd_per_hour == s.od_usd_per_hour) {
      x.instance_hours += s.instance_hours;
      x.spot_usd += s.spot_usd;
      return;
    }
  hour.push_back(s);
}

}  // namespace

models::UsageCurve usage_curve(const world::RunResult& r) {
  const double end_s = sim::to_seconds(r.end);
  const auto hours = static_cast<std::size_t>(std::max(1.0, std::ceil(end_s / 3600)));
  models::UsageCurve usage(hours);
  for (const auto& n : r.cluster.nodes()) {
    if (n.launched == sim::kNever) continue;
    const auto& b = r.bills[n.id];
    const double start = sim::to_seconds(n.launched);
    const double stop = start + b.lifetime_s;
    models::UsageSlice base;
    base.category = r.cluster.pools()[n.pool].name;
    base.key = {n.type->cloud, n.type->region, n.type->name};
    base.od_usd_per_hour = n.usd_per_hour;
    base.spot = b.spot;
    const auto first = std::min(hours - 1, static_cast<std::size_t>(start / 3600));
    for (std::size_t h = first; h < hours && static_cast<double>(h) * 3600 < stop; ++h) {
      const double overlap =
          std::min(stop, static_cast<double>(h + 1) * 3600) - std::max(start, static_cast<double>(h) * 3600);
      if (overlap <= 0) continue;
      models::UsageSlice s = base;
      if (s.spot)
        s.spot_usd = b.cost_usd * overlap / b.lifetime_s;
      else
        s.instance_hours = overlap / 3600;
      add_slice(usage[h], s);
    }
    models::UsageSlice top_up = base;  // the billing minimum, or a spot bill for no time
    if (b.spot && b.lifetime_s <= 0) top_up.spot_usd = b.cost_usd;
    if (!b.spot) top_up.instance_hours = (b.billed_s - b.lifetime_s) / 3600;
    if (top_up.spot_usd > 0 || top_up.instance_hours > 0) add_slice(usage[first], top_up);
  }
  return usage;
}

Summary::Purchases purchase(const world::RunResult& r, const scenario::PurchasingSpec& spec) {
  Summary::Purchases p;
  p.policy = spec.policy.name;
  p.price_book = spec.price_book_path;
  const auto usage = usage_curve(r);
  models::Commitments held = spec.held;
  const auto* entry = policies::PurchasePolicyRegistry::instance().find(spec.policy.name);
  if (!entry) throw std::invalid_argument("no purchase policy named " + spec.policy.name);
  const auto policy = entry->make(Params(entry->params, spec.policy.params));
  const auto bought = policy->buy(usage, *spec.book, spec.held, p.notes);
  held.reserved.insert(held.reserved.end(), bought.reserved.begin(), bought.reserved.end());
  if (bought.savings_plan && !held.savings_plan) held.savings_plan = bought.savings_plan;
  for (const auto& res : held.reserved) p.commitments.push_back(res.label());
  if (held.savings_plan) p.commitments.push_back(held.savings_plan->label());
  auto bill = models::apply_commitments(usage, held, *spec.book);
  p.list_usd = bill.list_usd;
  p.effective_usd = bill.effective_usd;
  p.unused_usd = bill.unused_usd;
  p.reserved_hours_used = bill.reserved_hours_used;
  p.rows = std::move(bill.rows);
  return p;
}

void add_purchases(Summary& s, const world::RunResult& r, const scenario::PurchasingSpec& spec) {
  if (spec.present) s.purchases = purchase(r, spec);
}

void write_purchases_csv(const std::string& path, const Summary::Purchases& p) {
  std::ofstream out(path);
  out.precision(17);
  out << "hour,hour_start_s,category,list_usd,effective_usd,unused_commitment_usd\n";
  for (const auto& row : p.rows)
    out << row.hour << ',' << row.hour * 3600 << ',' << csv_field(row.category) << ',' << row.list_usd << ','
        << row.effective_usd << ',' << row.unused_usd << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_usage_csv(const std::string& path, const models::UsageCurve& usage) {
  std::ofstream out(path);
  out.precision(17);
  out << "hour,category,cloud,region,instance_type,capacity_type,ondemand_usd_per_hour,instance_hours,spot_usd\n";
  for (std::size_t h = 0; h < usage.size(); ++h)
    for (const auto& s : usage[h])
      out << h << ',' << csv_field(s.category) << ',' << csv_field(s.key.cloud) << ',' << csv_field(s.key.region) << ','
          << csv_field(s.key.instance_type) << ',' << (s.spot ? "spot" : "on-demand") << ',' << s.od_usd_per_hour
          << ',' << s.instance_hours << ',' << s.spot_usd << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

models::UsageCurve load_usage_csv(const std::string& path) {
  CsvReader r(path);
  r.require({"hour", "category", "cloud", "region", "instance_type", "capacity_type", "ondemand_usd_per_hour",
             "instance_hours", "spot_usd"});
  models::UsageCurve usage;
  while (r.next()) {
    const auto h = static_cast<std::size_t>(r.non_negative_integer("hour"));
    if (h > 10'000'000) r.fail("hour", "an hour index below 10,000,000");
    if (usage.size() <= h) usage.resize(h + 1);
    models::UsageSlice s;
    s.category = r.str("category");
    s.key = {r.str("cloud"), r.str("region"), r.str("instance_type")};
    const std::string cap = r.str("capacity_type");
    if (cap != "spot" && cap != "on-demand") r.fail("capacity_type", "spot or on-demand");
    s.spot = cap == "spot";
    s.od_usd_per_hour = r.non_negative_number("ondemand_usd_per_hour");
    s.instance_hours = r.non_negative_number("instance_hours");
    s.spot_usd = r.non_negative_number("spot_usd");
    usage[h].push_back(s);
  }
  return usage;
}

}  // namespace fleetsim::analysis
