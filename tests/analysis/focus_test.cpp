// FOCUS export (analysis/focus_export.hpp): the mandatory columns, the value
// rules of the FOCUS 1.x specification, and hourly rows that add up to the bill.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "analysis/focus_export.hpp"
#include "cost_fixture.hpp"
#include "util/csv.hpp"

namespace fleetsim {
namespace {

using testing_cost::bill;

struct Table {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

Table parse(const std::string& csv) {
  Table t;
  std::stringstream ss(csv);
  std::string line;
  std::getline(ss, line);
  t.header = split_csv_line(line);
  while (std::getline(ss, line)) {
    const auto f = split_csv_line(line);
    EXPECT_EQ(f.size(), t.header.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < f.size() && i < t.header.size(); ++i) row[t.header[i]] = f[i];
    t.rows.push_back(row);
  }
  return t;
}

// The value rules checked on every row (FOCUS_Spec specification/columns/*.md):
// costs non-negative, ChargePeriodEnd after ChargePeriodStart (ISO 8601 UTC, so
// they compare as text), currency USD, ChargeCategory and PricingCategory from
// their allowed values, PricingUnit present on Usage rows. Returns Σ BilledCost.
double check_rules(const Table& t) {
  // FOCUS 1.0 mandatory columns, and the conditional ones this export fills.
  for (const std::string c :
       {"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
        "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
        "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ProviderName",
        "PublisherName", "ServiceCategory", "ServiceName", "PricingCategory", "PricingQuantity", "PricingUnit",
        "ResourceId", "ResourceType", "SkuId", "RegionId", "ConsumedQuantity", "ConsumedUnit", "Tags"})
    EXPECT_NE(std::find(t.header.begin(), t.header.end(), c), t.header.end()) << c;
  const std::set<std::string> charge{"Usage", "Purchase", "Tax", "Credit", "Adjustment"};
  const std::set<std::string> pricing{"Standard", "Dynamic", "Committed", "Other"};
  double sum = 0;
  for (const auto& r : t.rows) {
    for (const std::string c : {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity"})
      EXPECT_GE(std::stod(r.at(c)), 0) << c;
    EXPECT_LT(r.at("ChargePeriodStart"), r.at("ChargePeriodEnd"));
    EXPECT_LE(r.at("BillingPeriodStart"), r.at("ChargePeriodStart"));
    EXPECT_GE(r.at("BillingPeriodEnd"), r.at("ChargePeriodEnd"));
    EXPECT_EQ(r.at("ChargePeriodStart").size(), 20u);
    EXPECT_EQ(r.at("ChargePeriodStart").back(), 'Z');
    EXPECT_EQ(r.at("BillingCurrency"), "USD");
    EXPECT_TRUE(charge.count(r.at("ChargeCategory"))) << r.at("ChargeCategory");
    EXPECT_TRUE(pricing.count(r.at("PricingCategory"))) << r.at("PricingCategory");
    EXPECT_EQ(r.at("PricingUnit"), "Hours");
    EXPECT_EQ(r.at("ServiceCategory"), "Compute");
    EXPECT_FALSE(r.at("ResourceId").empty());
    EXPECT_EQ(r.at("Tags").front(), '{');
    sum += std::stod(r.at("BilledCost"));
  }
  return sum;
}

TEST(Focus, TimesAreIso8601UtcFromTheFixedEpoch) {
  EXPECT_EQ(analysis::focus_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(analysis::focus_time(sim::kHour * 24 * 31 + 3 * sim::kHour + 5 * sim::kSecond), "1970-02-01T03:00:05Z");
}

TEST(Focus, OneRowPerNodeHourOnAFixedPool) {
  auto ran = testing_cost::run_yaml(R"(name: focus
horizon: 2h
cluster:
  pools:
    - {name: g, instance_type: g5.12xlarge, count: 1, usd_per_hour: 6.0}
workload:
  - {name: t, csv: TRACE}
)",
                                    "job_id,submit,duration,gpus\na,0,1h,1\n");
  const auto t = parse(analysis::focus_csv(ran.r));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_NEAR(check_rules(t), 12.0, 1e-9);
  const auto& r0 = t.rows[0];
  EXPECT_EQ(r0.at("ChargePeriodStart"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(r0.at("ChargePeriodEnd"), "1970-01-01T01:00:00Z");
  EXPECT_EQ(t.rows[1].at("ChargePeriodStart"), "1970-01-01T01:00:00Z");
  EXPECT_EQ(r0.at("BillingPeriodStart"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(r0.at("BillingPeriodEnd"), "1970-02-01T00:00:00Z");
  EXPECT_DOUBLE_EQ(std::stod(r0.at("BilledCost")), 6.0);
  EXPECT_DOUBLE_EQ(std::stod(r0.at("ListCost")), 5.672);  // the catalog's on-demand price
  EXPECT_DOUBLE_EQ(std::stod(r0.at("PricingQuantity")), 1.0);
  EXPECT_EQ(r0.at("PricingCategory"), "Standard");
  EXPECT_EQ(r0.at("ChargeCategory"), "Usage");
  EXPECT_EQ(r0.at("ProviderName"), "AWS");
  EXPECT_EQ(r0.at("RegionId"), "us-east-1");
  EXPECT_EQ(r0.at("SkuId"), "g5.12xlarge:on-demand");
  EXPECT_EQ(r0.at("Tags"),
            R"({"fleetsim.io/pool":"g","karpenter.sh/capacity-type":"on-demand","node.kubernetes.io/instance-type":"g5.12xlarge"})");
}

// Hand-built nodes: one launched at 00:30 billed 1.5 h, one at 00:59:30 living
// 10 s but billed the 60 s minimum, so its bill straddles two hours.
TEST(Focus, PartialHoursAndTheBillingMinimumSplitTheBillByBilledTime) {
  static models::InstanceType type;
  type.name = "x1";
  type.cloud = "aws";
  type.gpus = 0;
  type.vcpu = 4;
  type.memory_gib = 16;
  type.ondemand_usd_per_hour = 3.6;
  world::RunResult r;
  r.scenario_name = "hand";
  models::NodePool pool;
  pool.name = "p";
  pool.type = &type;
  pool.usd_per_hour = 3.6;
  const auto pid = r.cluster.add_pool(pool);
  r.cluster.add_node(pid, 30 * sim::kMinute);
  r.cluster.add_node(pid, sim::kHour - 30 * sim::kSecond);
  r.bills.resize(2);
  r.bills[0] = {5400, 5400, 5.4};
  r.bills[1] = {10, 60, 0.06};
  analysis::FocusOptions opts;
  opts.commitment_id = [](models::NodeId id) { return id == 0 ? std::string("ri-1") : std::string(); };
  const auto rows = analysis::focus_rows(r, opts);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NEAR(rows[0].billed_usd, 1.8, 1e-12);
  EXPECT_NEAR(rows[0].quantity_h, 0.5, 1e-12);
  EXPECT_NEAR(rows[1].billed_usd, 3.6, 1e-12);
  EXPECT_EQ(rows[0].pricing_category, "Committed");
  EXPECT_EQ(rows[0].commitment_id, "ri-1");
  EXPECT_NEAR(rows[2].billed_usd, 0.03, 1e-12);
  EXPECT_NEAR(rows[3].billed_usd, 0.03, 1e-12);
  EXPECT_EQ(rows[3].period_start, sim::kHour);
  EXPECT_EQ(rows[3].pricing_category, "Standard");
  const auto t = parse(analysis::focus_csv(r, opts));
  EXPECT_NEAR(check_rules(t), 5.46, 1e-9);
  EXPECT_EQ(t.rows[0].at("CommitmentDiscountId"), "ri-1");
}

// Spot nodes priced by a series and reclaimed by the provider, autoscaled pools,
// MIG pools: the rows add up to the bill, and spot rows are Dynamic.
TEST(Focus, RowsAddUpToTheBillOnShippedScenarios) {
  for (const auto& [file, horizon] : std::vector<std::pair<std::string, std::string>>{
           {"scenarios/spot-checkpointing.yaml", "4d"}, {"scenarios/cluster-autoscaler.yaml", "12h"},
           {"scenarios/ca-vs-karpenter.yaml", "12h"}, {"scenarios/mig-dynamic.yaml", "6h"}}) {
    auto s = scenario::load_scenario(file, {"horizon=" + horizon});
    analysis::MemoryRecorder rec;
    world::World w(s, s.seed, rec);
    const auto r = w.run();
    const double b = bill(r);
    ASSERT_GT(b, 0) << file;
    const auto t = parse(analysis::focus_csv(r));
    EXPECT_NEAR(check_rules(t), b, 1e-6 * b) << file;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const bool spot = t.rows[i].at("SkuId").find(":spot") != std::string::npos;
      EXPECT_EQ(t.rows[i].at("PricingCategory"), spot ? "Dynamic" : "Standard") << file;
    }
  }
}

}  // namespace
}  // namespace fleetsim
