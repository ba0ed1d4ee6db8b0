#include "scenario/purchasing_yaml.hpp"

#include <algorithm>
#include <filesystem>

#include "policies/purchasing/purchase_policy.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

namespace {

namespace fs = std::filesystem;

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute() || base_dir.empty()) return p;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

models::PriceKey key_of(const models::InstanceType& t) {
  return {t.cloud, t.region, t.name};
}

std::string price_name(models::Offering o, models::Term t, models::Payment p) {
  std::string s = std::string(to_string(o)) + " " + to_string(t);
  if (o == models::Offering::reserved) s += std::string(" ") + to_string(p);
  return s;
}

// A policy's parameter error ("pools: expected ..., got '...'") at the policy's line.
// The policy's parameters sit in the purchasing block, so "pools: ..." names purchasing.pools.
[[noreturn]] void policy_fail(const Fields& f, const InputError& e) {
  const std::string what = e.what();
  const std::string key = what.substr(0, what.find(':'));
  throw InputError(where(f.file(), line_of(f.has(key) ? f.node(key) : f.node("policy")), f.path()) + "." + what);
}

// Rewrites the pools the policy moves to spot: plain pools become spot pools,
// Karpenter NodePools allow spot as well as on-demand.
void move_to_spot(const Fields& root, const Fields& f, const policies::PurchasePolicy& policy,
                  const PolicyChoice& choice) {
  std::vector<std::pair<YAML::Node, bool>> nodes;  // node, is a NodePool
  std::vector<policies::PoolOffer> offers;
  auto collect = [&](const char* parent, const char* list, bool nodepool) {
    if (!root.has(parent)) return;
    YAML::Node l = root.node(parent)[list];
    if (!l.IsDefined() || !l.IsSequence()) return;
    for (YAML::Node p : l) {
      if (!p.IsMap() || !p["name"].IsDefined() || !p["name"].IsScalar()) continue;  // the cluster parser reports it
      bool spot = false;
      if (nodepool) {
        YAML::Node cap = p["requirements"].IsDefined() ? p["requirements"]["capacity_type"] : YAML::Node();
        if (cap.IsDefined() && cap.IsScalar()) spot = cap.Scalar() == "spot";
        if (cap.IsDefined() && cap.IsSequence())
          for (const auto& c : cap) spot = spot || (c.IsScalar() && c.Scalar() == "spot");
      } else {
        spot = p["capacity_type"].IsDefined() && p["capacity_type"].IsScalar() && p["capacity_type"].Scalar() == "spot";
      }
      offers.push_back({p["name"].Scalar(), spot});
      nodes.push_back({p, nodepool});
    }
  };
  collect("cluster", "pools", false);
  collect("karpenter", "nodepools", true);
  std::vector<std::string> moved;
  try {
    moved = policy.to_spot(offers);
  } catch (const InputError& e) {
    policy_fail(f, e);
  }
  for (std::size_t i = 0; i < offers.size(); ++i) {
    if (std::find(moved.begin(), moved.end(), offers[i].name) == moved.end()) continue;
    YAML::Node p = nodes[i].first;
    YAML::Node spot;
    spot["discount"] = choice.params.count("discount") ? choice.params.at("discount") : "advisor";
    spot["interruption"] = choice.params.count("interruption") ? choice.params.at("interruption") : "advisor";
    if (!p["spot"].IsDefined()) p["spot"] = spot;
    if (nodes[i].second) {
      YAML::Node req = p["requirements"];
      YAML::Node caps(YAML::NodeType::Sequence);
      caps.push_back("spot");
      caps.push_back("on-demand");
      req["capacity_type"] = caps;
    } else {
      p["capacity_type"] = "spot";
    }
  }
}

models::Reservation parse_reservation(const Fields& r, const models::InstanceCatalog& catalog,
                                      const models::PriceBook& book) {
  models::Reservation res;
  const std::string type = r.str("instance_type");
  const auto* t = catalog.find(type);
  if (!t) r.fail("instance_type", "an instance type of catalog " + catalog.source() + did_you_mean(type, catalog.names()));
  res.key = key_of(*t);
  res.count = static_cast<int>(r.integer("count", 1, 100000));
  res.term = *models::parse_term(r.one_of("term", {"1y", "3y"}, "1y"));
  const std::string kind = r.one_of("kind", {"reserved", "committed-use"}, "reserved");
  res.offering = kind == "reserved" ? models::Offering::reserved : models::Offering::committed_use;
  if (res.offering == models::Offering::committed_use) {
    if (r.has("payment")) r.fail("payment", "no payment option for a committed-use discount (billed monthly)");
    res.payment = models::Payment::no_upfront;
  } else {
    res.payment = *models::parse_payment(
        r.one_of("payment", {"no-upfront", "partial-upfront", "all-upfront"}, "no-upfront"));
  }
  const auto* price = book.find(res.key, res.offering, res.term, res.payment);
  if (!price)
    r.fail("instance_type", "an instance type with a " + price_name(res.offering, res.term, res.payment) +
                                " price in " + res.key.cloud + " " + res.key.region + " in price book " +
                                book.source() + "; " + type + " has none");
  res.effective_usd_per_hour = price->effective_usd_per_hour();
  return res;
}

models::SavingsPlan parse_savings_plan(const Fields& p, const models::PriceBook& book,
                                       const models::InstanceCatalog& catalog) {
  models::SavingsPlan sp;
  sp.usd_per_hour = p.number("usd_per_hour", 0.001, 1e6);
  sp.term = *models::parse_term(p.one_of("term", {"1y", "3y"}, "1y"));
  const std::string type = p.one_of("type", {"compute", "instance"}, "compute");
  sp.kind = type == "compute" ? models::Offering::savings_plan_compute : models::Offering::savings_plan_instance;
  if (sp.kind == models::Offering::savings_plan_instance) {
    sp.family = p.str("family");
    sp.region = p.str("region", "");
  } else {
    if (p.has("family")) p.fail("family", "no family for a compute savings plan (it covers every family)");
    if (p.has("region")) p.fail("region", "no region for a compute savings plan (it covers every region)");
  }
  // The plan must be able to cover something of the catalog's.
  bool any = false;
  for (const auto& t : catalog.types()) {
    const auto k = key_of(t);
    if (sp.kind == models::Offering::savings_plan_instance &&
        (models::instance_family(t.name) != sp.family || (!sp.region.empty() && sp.region != t.region)))
      continue;
    any = any || book.savings_plan_discount(k, sp.kind, sp.term).has_value();
  }
  if (!any)
    throw InputError(where(p.file(), line_of(p.node("usd_per_hour")), p.path()) + ": price book " + book.source() +
                     " has no " + to_string(sp.kind) + " " + to_string(sp.term) +
                     " rate for any instance type of catalog " + catalog.source() +
                     (sp.family.empty() ? "" : " in family " + sp.family) +
                     "; expected a price book with the plan's rates (price_book: a CSV with " + to_string(sp.kind) +
                     " rows)");
  return sp;
}

}  // namespace

PurchasingSpec parse_purchasing(const Fields& root, const std::string& base_dir, const models::InstanceCatalog& catalog) {
  PurchasingSpec spec;
  if (!root.has("purchasing")) return spec;
  spec.present = true;
  // The policy's parameters sit in the block itself, beside its own keys:
  // purchasing: {policy: spot-tolerant, pools: "train, batch", reserved: [...]}.
  const YAML::Node block = root.node("purchasing");
  if (!block.IsMap()) fail_at(block, root.file(), root.field("purchasing"), "a mapping of keys");
  const auto& reg = policies::PurchasePolicyRegistry::instance();
  std::vector<std::string> allowed{"policy", "price_book", "reserved", "savings_plan"};
  const YAML::Node name = block["policy"];
  if (name.IsDefined() && !name.IsScalar())
    fail_at(name, root.file(), root.field("purchasing") + ".policy", "a policy name");
  spec.policy.name = name.IsDefined() ? name.Scalar() : "on-demand";
  const auto* entry = reg.find(spec.policy.name);
  if (!entry)
    fail_at(name, root.file(), root.field("purchasing") + ".policy",
            "one of " + join(reg.names(), ", ") + did_you_mean(spec.policy.name, reg.names()));
  for (const auto& p : entry->params) allowed.push_back(p.name);
  Fields f(block, root.file(), root.field("purchasing"), allowed);
  for (const auto& p : entry->params) {
    if (!f.has(p.name)) continue;
    const YAML::Node v = f.node(p.name);
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    const std::string expected = param_expectation_failure(p, text);
    if (!v.IsScalar() || !expected.empty()) f.fail(p.name, expected.empty() ? "a value" : expected);
    spec.policy.params[p.name] = text;
  }
  std::unique_ptr<policies::PurchasePolicy> policy;
  try {
    policy = entry->make(Params(entry->params, spec.policy.params));
  } catch (const InputError& e) {
    policy_fail(f, e);
  }
  move_to_spot(root, f, *policy, spec.policy);

  const std::string book = f.str("price_book", "builtin");
  spec.price_book_path = book == "builtin" ? models::builtin_price_book_path() : resolve_path(base_dir, book);
  if (!fs::exists(spec.price_book_path))
    f.fail("price_book", "'builtin' or the path of a price book CSV that exists");
  spec.book = std::make_shared<const models::PriceBook>(models::PriceBook::load_csv(spec.price_book_path));

  if (f.has("reserved")) {
    const YAML::Node list = f.node("reserved");
    if (!list.IsSequence()) f.fail("reserved", "a list of reservations {instance_type, count, term, payment}");
    for (std::size_t i = 0; i < list.size(); ++i) {
      Fields r(list[i], f.file(), f.field("reserved") + "[" + std::to_string(i) + "]",
               {"instance_type", "count", "term", "payment", "kind"});
      auto res = parse_reservation(r, catalog, *spec.book);
      for (const auto& other : spec.held.reserved)
        if (other.key == res.key && other.offering == res.offering && other.term == res.term &&
            other.payment == res.payment)
          r.fail("instance_type", "one entry per instance type, kind, term and payment (" + res.key.instance_type +
                                      " is listed twice; add the counts)");
      spec.held.reserved.push_back(std::move(res));
    }
  }
  if (f.has("savings_plan")) {
    Fields p(f.node("savings_plan"), f.file(), f.field("savings_plan"),
             {"usd_per_hour", "term", "type", "family", "region"});
    spec.held.savings_plan = parse_savings_plan(p, *spec.book, catalog);
  }
  return spec;
}

}  // namespace fleetsim::scenario
