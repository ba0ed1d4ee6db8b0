#include "analysis/focus_export.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/allocation.hpp"
#include "util/csv.hpp"

namespace fleetsim::analysis {

namespace {

// Provider names as the providers' own FOCUS exports spell them.
std::string provider_name(const std::string& cloud) {
  if (cloud == "aws") return "AWS";
  if (cloud == "gcp") return "Google Cloud";
  if (cloud == "azure") return "Microsoft Azure";
  return cloud.empty() ? "fleetsim" : cloud;
}

std::string service_name(const std::string& cloud) {
  if (cloud == "aws") return "Amazon Elastic Compute Cloud";
  if (cloud == "gcp") return "Compute Engine";
  if (cloud == "azure") return "Virtual Machines";
  return "Compute";
}

// BillingPeriodStart/End: the calendar month holding the charge period.
std::pair<std::string, std::string> billing_month(sim::SimTime t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_seconds{seconds{t / sim::kSecond}});
  const year_month ym{year_month_day{day}.year(), year_month_day{day}.month()};
  const year_month next = ym + months{1};
  auto fmt = [](year_month m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-01T00:00:00Z", static_cast<int>(m.year()),
                  static_cast<unsigned>(m.month()));
    return std::string(buf);
  };
  return {fmt(ym), fmt(next)};
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

std::string focus_time(sim::SimTime t) {
  using namespace std::chrono;
  const sys_seconds s{seconds{t / sim::kSecond}};
  const sys_days day = floor<days>(s);
  const year_month_day ymd{day};
  const hh_mm_ss hms{s - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::vector<FocusRow> focus_rows(const world::RunResult& r, const FocusOptions& options) {
  std::vector<FocusRow> rows;
  for (const auto& n : r.cluster.nodes()) {
    if (n.launched == sim::kNever) continue;  // never ran, never billed
    const auto& b = r.bills[n.id];
    const sim::SimTime start = n.launched;
    const auto billed_us = static_cast<sim::SimTime>(std::llround(b.billed_s * static_cast<double>(sim::kSecond)));
    if (billed_us <= 0) continue;
    const sim::SimTime end = start + billed_us;
    const std::string commitment = options.commitment_id ? options.commitment_id(n.id) : "";
    const std::string category = !commitment.empty() ? "Committed" : b.spot ? "Dynamic" : "Standard";
    const double list_price = n.type->ondemand_usd_per_hour > 0 ? n.type->ondemand_usd_per_hour : n.usd_per_hour;
    for (sim::SimTime h = start / sim::kHour * sim::kHour; h < end; h += sim::kHour) {
      const sim::SimTime from = std::max(h, start), to = std::min(h + sim::kHour, end);
      FocusRow row;
      row.node = n.id;
      row.period_start = h;
      row.period_end = h + sim::kHour;
      row.quantity_h = sim::to_seconds(to - from) / 3600.0;
      row.billed_usd = b.cost_usd * static_cast<double>(to - from) / static_cast<double>(billed_us);
      row.list_unit_price = list_price;
      row.list_usd = list_price * row.quantity_h;
      row.pricing_category = category;
      row.commitment_id = commitment;
      rows.push_back(row);
    }
  }
  return rows;
}

const std::vector<std::string>& focus_columns() {
  static const std::vector<std::string> cols{
      "BillingAccountId",    "BillingAccountName", "BillingPeriodStart",   "BillingPeriodEnd",
      "ChargePeriodStart",   "ChargePeriodEnd",    "BillingCurrency",      "BilledCost",
      "EffectiveCost",       "ListCost",           "ContractedCost",       "ListUnitPrice",
      "ContractedUnitPrice", "ChargeCategory",     "ChargeClass",          "ChargeDescription",
      "ChargeFrequency",     "PricingCategory",    "PricingQuantity",      "PricingUnit",
      "ConsumedQuantity",    "ConsumedUnit",       "CommitmentDiscountId", "ProviderName",
      "PublisherName",       "InvoiceIssuerName",  "RegionId",             "RegionName",
      "ResourceId",          "ResourceName",       "ResourceType",         "ServiceCategory",
      "ServiceName",         "SkuId",              "Tags"};
  return cols;
}

std::string focus_csv(const world::RunResult& r, const FocusOptions& options) {
  std::ostringstream out;
  const auto& cols = focus_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) out << (i ? "," : "") << cols[i];
  out << '\n';
  const std::string account = "fleetsim-" + r.scenario_name;
  const auto& nodes = r.cluster.nodes();
  for (const auto& row : focus_rows(r, options)) {
    const auto& n = nodes[row.node];
    const auto& pool = r.cluster.pools()[n.pool];
    const auto& t = *n.type;
    const std::string capacity = r.bills[n.id].spot ? "spot" : "on-demand";
    // Kubernetes' well-known labels for the instance type and Karpenter's for the
    // capacity type and NodePool; fleetsim's pool name.
    nlohmann::json tags;
    tags["fleetsim.io/pool"] = pool.name;
    tags["karpenter.sh/capacity-type"] = capacity;
    if (!pool.nodepool.empty()) tags["karpenter.sh/nodepool"] = pool.nodepool;
    tags["node.kubernetes.io/instance-type"] = t.name;
    const auto [bp_start, bp_end] = billing_month(row.period_start);
    const std::string provider = provider_name(t.cloud);
    const double unit = row.quantity_h > 0 ? row.billed_usd / row.quantity_h : 0;
    out << csv_field(account) << ',' << csv_field(r.scenario_name) << ',' << bp_start << ',' << bp_end << ','
        << focus_time(row.period_start) << ',' << focus_time(row.period_end) << ",USD," << num(row.billed_usd) << ','
        << num(row.billed_usd) << ',' << num(row.list_usd) << ',' << num(row.billed_usd) << ','
        << num(row.list_unit_price) << ',' << num(unit) << ",Usage,,"
        << csv_field(t.name + " " + capacity + " node " + n.name + " (pool " + pool.name + ")") << ",Usage-Based,"
        << row.pricing_category << ',' << num(row.quantity_h) << ",Hours," << num(row.quantity_h) << ",Hours,"
        << csv_field(row.commitment_id) << ',' << csv_field(provider) << ',' << csv_field(provider) << ','
        << csv_field(provider) << ',' << csv_field(t.region) << ',' << csv_field(t.region) << ','
        << csv_field(n.name) << ',' << csv_field(n.name) << ",Virtual Machine,Compute,"
        << csv_field(service_name(t.cloud)) << ',' << csv_field(t.name + ":" + capacity) << ','
        << csv_field(tags.dump()) << '\n';
  }
  return out.str();
}

void write_focus_csv(const std::string& path, const world::RunResult& r) { write_text_atomic(path, focus_csv(r)); }

}  // namespace fleetsim::analysis
