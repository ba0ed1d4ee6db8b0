#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/spot_advisor.hpp"
#include "models/workload/openb.hpp"
#include "policies/partitioning/mig_partitioner.hpp"
#include "policies/placement/placement_policy.hpp"
#include "policies/provisioning/provisioner.hpp"
#include "policies/queueing/queue_policy.hpp"
#include "scenario/scenario.hpp"
#include "scenario/policy_yaml.hpp"
#include "scenario/sharing_yaml.hpp"
#include "scenario/yaml_fields.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::scenario {

namespace fs = std::filesystem;

sim::SimTime default_boot_delay(const models::InstanceType& t) {
  return t.gpus > 0 ? 4 * sim::kMinute : 90 * sim::kSecond;
}

std::string builtin_catalog_path() {
  if (const char* d = std::getenv("FLEETSIM_DATA_DIR")) return std::string(d) + "/catalog/instances.csv";
  return std::string(FLEETSIM_SOURCE_DIR) + "/data/catalog/instances.csv";
}

namespace {

std::string resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute() || base_dir.empty()) return p;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

void parse_priority_classes(const Fields& root, Scenario& s) {
  if (!root.has("priority_classes")) return;
  YAML::Node list = root.node("priority_classes");
  if (!list.IsSequence()) root.fail("priority_classes", "a list of {name, value}");
  int defaults = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(list[i], s.file, "priority_classes[" + std::to_string(i) + "]",
             {"name", "value", "preemption_policy", "global_default"});
    models::PriorityClass pc;
    pc.name = f.str("name");
    if (pc.name.rfind("system-", 0) == 0) f.fail("name", "a name not starting with 'system-' (reserved)");
    pc.value = static_cast<std::int32_t>(f.integer("value", -2147483648LL, models::kMaxUserPriority));
    pc.preempts = f.one_of("preemption_policy", {"PreemptLowerPriority", "Never"}, "PreemptLowerPriority") ==
                  "PreemptLowerPriority";
    pc.global_default = f.boolean("global_default", false);
    defaults += pc.global_default;
    if (defaults > 1) f.fail("global_default", "at most one class with global_default: true");
    if (s.priority_classes.find(pc.name)) f.fail("name", "a name not used by an earlier class");
    s.priority_classes.classes[pc.name] = pc;
  }
}

void parse_catalog(const Fields& root, const std::string& base_dir, Scenario& s) {
  std::string c = root.str("catalog", "builtin");
  std::string path = c == "builtin" ? builtin_catalog_path() : resolve(base_dir, c);
  if (!fs::exists(path)) root.fail("catalog", "'builtin' or the path of an instance catalog CSV that exists");
  s.catalog = models::InstanceCatalog::load_csv(path);
}

std::map<std::string, double> price_map(const Fields& f, const std::string& key) {
  std::map<std::string, double> out;
  if (!f.has(key)) return out;
  YAML::Node m = f.node(key);
  if (!m.IsMap()) f.fail(key, "a mapping from GPU model to USD per hour");
  for (auto it = m.begin(); it != m.end(); ++it) {
    const std::string model = it->first.Scalar();
    std::vector<std::string> allowed;
    for (auto jt = m.begin(); jt != m.end(); ++jt) allowed.push_back(jt->first.Scalar());
    out[model] = Fields(m, f.file(), f.field(key), allowed).number(model, 0, 1e6);
  }
  return out;
}

std::string spot_advisor_path() {
  if (const char* d = std::getenv("FLEETSIM_DATA_DIR")) return std::string(d) + "/spot/advisor-buckets.csv";
  return std::string(FLEETSIM_SOURCE_DIR) + "/data/spot/advisor-buckets.csv";
}

// A spot pool's market. The price is the on-demand price less `discount` (or
// the AWS Spot Advisor's savings), or a price series; interruptions follow a
// Spot Advisor frequency bucket ("10-15%"), a monthly probability, the
// advisor's bucket for the instance type, or a recorded trace (interruption_csv). The pool's usd_per_hour becomes the
// spot price at time 0.
models::SpotMarketSpec parse_spot(const Fields& pool, const std::string& base_dir, const models::InstanceType& t,
                                  PoolSpec& p) {
  Fields f(pool.node("spot"), pool.file(), pool.field("spot"),
           {"discount", "price_csv", "interruption", "interruption_csv", "correlated_share", "notice",
            "capacity_shortage_probability"});
  models::SpotMarketSpec m;
  std::optional<std::pair<double, std::string>> advisor;
  auto need_advisor = [&](const std::string& key) {
    if (!advisor) advisor = models::advisor_entry(spot_advisor_path(), t.name, t.region.empty() ? "us-east-1" : t.region);
    if (!advisor) f.fail(key, "a value: the Spot Advisor data (data/spot/advisor-buckets.csv) has no row for " + t.name);
    return *advisor;
  };
  if (f.has("price_csv")) {
    if (f.has("discount")) f.fail("discount", "either discount or price_csv, not both");
    m.series = models::SpotPriceSeries::load_csv(resolve(base_dir, f.str("price_csv")), t.name);
  } else if (f.has("discount") && f.str("discount") == "advisor") {
    m.discount = need_advisor("discount").first;
  } else {
    m.discount = f.number("discount", 0, 1);
  }
  if (f.has("interruption_csv")) {
    if (f.has("interruption")) f.fail("interruption", "either interruption or interruption_csv, not both");
    m.trace = models::SpotInterruptionTrace::load_csv(resolve(base_dir, f.str("interruption_csv")), t.name);
  }
  const std::string interruption = m.trace ? "0" : f.str("interruption");
  if (m.trace) {
    // Recorded interruptions: no Poisson process.
  } else if (interruption == "advisor") {
    m.monthly_interruption_probability = models::parse_bucket(need_advisor("interruption").second)->monthly_probability;
  } else if (auto b = models::parse_bucket(interruption)) {
    m.monthly_interruption_probability = b->monthly_probability;
  } else {
    try {
      m.monthly_interruption_probability = f.number("interruption", 0, 0.99);
    } catch (const InputError&) {
      f.fail("interruption",
             "a Spot Advisor bucket (<5%, 5-10%, 10-15%, 15-20%, >20%), a monthly probability in [0, 0.99], or advisor");
    }
  }
  m.correlated_share = f.number("correlated_share", 0, 1, 0);
  const auto cloud = models::parse_cloud(t.cloud).value_or(models::Cloud::aws);
  m.notice = f.duration("notice", models::default_notice(cloud));
  m.capacity_shortage_probability = f.number("capacity_shortage_probability", 0, 0.99, 0);
  // p.usd_per_hour holds the on-demand price (the catalog's or the pool's override).
  p.ondemand_usd_per_hour = p.usd_per_hour;
  p.usd_per_hour = m.series ? m.series->at(0) : p.usd_per_hour * (1 - m.discount);
  return m;
}

// Alibaba openb node lists: nodes of equal shape become one pool, in the order
// the file lists them (first-fit results depend on node order).
void parse_openb_nodes(const Fields& cluster, const std::string& base_dir, Scenario& s) {
  Fields f(cluster.node("openb_nodes"), s.file, cluster.field("openb_nodes"),
           {"file", "usd_per_gpu_hour", "usd_per_cpu_node_hour", "interconnect"});
  const auto nodes = models::load_openb_nodes(resolve(base_dir, f.str("file")));
  const auto gpu_price = price_map(f, "usd_per_gpu_hour");
  const std::string ic = f.one_of("interconnect", {"pcie", "nvlink", "nvswitch"}, "pcie");
  std::map<std::string, std::uint32_t> pool_of;
  for (const auto& n : nodes) {
    std::string model = n.gpus > 0 ? n.model : "cpu";
    std::string type = "openb-" + model + "-" + std::to_string(n.gpus) + "g-" + std::to_string(n.cpu_milli / 1000) +
                       "c-" + std::to_string(n.memory_mib / 1024) + "gi";
    auto it = pool_of.find(type);
    if (it == pool_of.end()) {
      double price = 0;
      if (n.gpus > 0) {
        auto p = gpu_price.find(n.model);
        if (p == gpu_price.end())
          f.fail("usd_per_gpu_hour", "a price for GPU model '" + n.model + "' (used by node " + n.name + ")");
        price = p->second * n.gpus;
      } else {
        price = f.number("usd_per_cpu_node_hour", 0, 1e6);
      }
      models::InstanceType t;
      t.name = type;
      t.cloud = "alibaba-openb";
      t.gpu_model = n.gpus > 0 ? n.model : "";
      t.gpus = n.gpus;
      t.vcpu = static_cast<int>(n.cpu_milli / 1000);
      t.memory_gib = static_cast<double>(n.memory_mib) / 1024.0;
      t.interconnect = ic == "nvswitch" ? models::Interconnect::nvswitch
                       : ic == "nvlink" ? models::Interconnect::nvlink
                                        : models::Interconnect::pcie;
      t.ondemand_usd_per_hour = price;
      t.price_source = "scenario " + s.file + " (" + f.field("usd_per_gpu_hour") + ")";
      t.reserve_system = false;
      s.catalog.add(t);
      it = pool_of.emplace(type, static_cast<std::uint32_t>(s.pools.size())).first;
      PoolSpec pool;
      pool.name = pool.instance_type = type;
      pool.usd_per_hour = price;
      s.pools.push_back(pool);
    }
    s.pools[it->second].count++;
    s.pools[it->second].max++;
    s.node_order.push_back(it->second);
  }
}

void parse_cluster(const Fields& root, const std::string& base_dir, Scenario& s) {
  Fields c(root.node("cluster"), s.file, "cluster", {"pools", "openb_nodes"});
  if (c.has("openb_nodes")) parse_openb_nodes(c, base_dir, s);
  if (c.has("pools")) {
    if (!s.node_order.empty()) c.fail("pools", "either pools or openb_nodes, not both");
    YAML::Node list = c.node("pools");
    if (!list.IsSequence() || list.size() == 0) c.fail("pools", "a non-empty list of node pools");
    for (std::size_t i = 0; i < list.size(); ++i) {
      Fields f(list[i], s.file, "cluster.pools[" + std::to_string(i) + "]",
               {"name", "instance_type", "count", "usd_per_hour", "max_pods", "min", "max", "launch_delay",
                "boot_delay", "launch_failure_probability", "capacity_type", "spot", "sharing"});
      PoolSpec p;
      p.name = f.str("name");
      for (const auto& q : s.pools)
        if (q.name == p.name) f.fail("name", "a pool name not used by an earlier pool");
      p.instance_type = f.str("instance_type");
      const auto* t = s.catalog.find(p.instance_type);
      if (!t)
        f.fail("instance_type", "an instance type of catalog " + s.catalog.source() +
                                    did_you_mean(p.instance_type, s.catalog.names()));
      p.count = static_cast<int>(f.integer("count", 0, 100000));
      p.usd_per_hour = f.number("usd_per_hour", 0, 1e6, t->ondemand_usd_per_hour);
      p.max_pods = static_cast<int>(f.integer("max_pods", 1, 1000, 110));
      p.min = static_cast<int>(f.integer("min", 0, p.count, 0));
      p.max = static_cast<int>(f.integer("max", std::max(p.count, 0), 100000, p.count));
      p.launch_delay = f.duration("launch_delay", p.launch_delay);
      p.boot_delay = f.duration("boot_delay", default_boot_delay(*t));
      p.launch_failure_probability = f.number("launch_failure_probability", 0, 0.99, 0);
      if (f.one_of("capacity_type", {"on-demand", "spot"}, "on-demand") == "spot") {
        p.capacity_type = models::CapacityType::spot;
        p.spot = parse_spot(f, base_dir, *t, p);
      } else if (f.has("spot")) {
        f.fail("spot", "no spot block unless capacity_type is spot");
      }
      p.sharing = parse_pool_sharing(f, *t);
      p.sharing_line = line_of(list[i]);
      s.pools.push_back(p);
    }
  }
}

// A list of strings: "x" or [x, y].
std::vector<std::string> string_list(const Fields& f, const std::string& key) {
  YAML::Node n = f.node(key);
  std::vector<std::string> out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence() || n.size() == 0) f.fail(key, "a value or a non-empty list of values");
  for (const auto& v : n) {
    if (!v.IsScalar()) f.fail(key, "a list of strings");
    out.push_back(v.Scalar());
  }
  return out;
}

bool allows(const std::vector<std::string>& values, const std::string& v) {
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

// Karpenter NodePools: every (NodePool, catalog instance type, capacity type)
// that meets the requirements becomes a pool of the cluster, empty at the start,
// for the karpenter provisioner to launch from.
void parse_karpenter(const Fields& root, const std::string& base_dir, Scenario& s) {
  Fields k(root.node("karpenter"), s.file, "karpenter", {"nodepools"});
  YAML::Node list = k.node("nodepools");
  if (!list.IsSequence() || list.size() == 0) k.fail("nodepools", "a non-empty list of NodePools");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(list[i], s.file, "karpenter.nodepools[" + std::to_string(i) + "]",
             {"name", "weight", "requirements", "limits", "launch_delay", "boot_delay", "spot"});
    const std::string name = f.str("name");
    const int weight = static_cast<int>(f.integer("weight", 0, 100, 0));
    std::vector<std::string> types, families, models_, capacity{"on-demand"}, clouds, zones{""};
    if (f.has("requirements")) {
      Fields r(f.node("requirements"), s.file, f.field("requirements"),
               {"instance_type", "instance_family", "gpu_model", "capacity_type", "cloud", "zone"});
      if (r.has("instance_type")) types = string_list(r, "instance_type");
      if (r.has("instance_family")) families = string_list(r, "instance_family");
      if (r.has("gpu_model")) models_ = string_list(r, "gpu_model");
      if (r.has("cloud")) clouds = string_list(r, "cloud");
      if (r.has("zone")) zones = string_list(r, "zone");
      if (r.has("capacity_type")) {
        capacity = string_list(r, "capacity_type");
        for (const auto& c : capacity)
          if (c != "on-demand" && c != "spot") r.fail("capacity_type", "on-demand and/or spot");
      }
      for (const auto& t : types)
        if (!s.catalog.find(t))
          r.fail("instance_type", "instance types of the catalog" + did_you_mean(t, s.catalog.names()));
    }
    std::int64_t gpu_limit = 0;
    if (f.has("limits")) {
      Fields l(f.node("limits"), s.file, f.field("limits"), {"gpus"});
      gpu_limit = l.integer("gpus", 1, 10000000, 0);
    }
    if (allows(capacity, "spot") && !f.has("spot"))
      throw InputError(where(s.file, line_of(list[i]), f.field("spot")) +
                       ": missing required key: capacity_type allows spot, so a spot block (discount, interruption) "
                       "is needed");
    int offerings = 0;
    for (const auto& t : s.catalog.types()) {
      const std::string family = t.name.substr(0, t.name.find('.'));
      if (!allows(types, t.name) || !allows(families, family) || !allows(models_, t.gpu_model) ||
          !allows(clouds, t.cloud))
        continue;
      // One offering per capacity type and zone: each zone's spot capacity is
      // its own market (interruptions, shortages, unavailable-offering cache).
      for (const auto& zone : zones)
      for (const auto& cap : capacity) {
        PoolSpec p;
        p.name = name + "/" + t.name + "/" + cap;
        if (!zone.empty()) p.name.append("/").append(zone);
        p.instance_type = t.name;
        p.usd_per_hour = t.ondemand_usd_per_hour;
        p.count = 0;
        p.max = 100000;
        p.nodepool = name;
        p.weight = weight;
        p.nodepool_gpu_limit = gpu_limit;
        p.launch_delay = f.duration("launch_delay", p.launch_delay);
        p.boot_delay = f.duration("boot_delay", default_boot_delay(t));
        if (cap == "spot") {
          p.capacity_type = models::CapacityType::spot;
          p.spot = parse_spot(f, base_dir, t, p);
        }
        s.pools.push_back(p);
        ++offerings;
      }
    }
    if (offerings == 0) f.fail("requirements", "requirements that at least one catalog instance type meets");
  }
}

void parse_scheduler(const Fields& root, Scenario& s) {
  if (!root.has("scheduler")) return;
  Fields f(root.node("scheduler"), s.file, "scheduler", {"queue", "placement", "preemption_grace"});
  s.scheduler.queue = parse_policy<policies::QueuePolicy>(f, "queue", "fifo");
  s.scheduler.placement = parse_policy<policies::PlacementPolicy>(f, "placement", "first-fit");
  s.scheduler.preemption_grace = f.duration("preemption_grace", s.scheduler.preemption_grace);
}

void parse_billing(const Fields& root, Scenario& s) {
  if (!root.has("billing")) return;
  Fields f(root.node("billing"), s.file, "billing", {"minimum"});
  s.billing.minimum = f.duration("minimum", s.billing.minimum);
}

}  // namespace

Scenario parse_scenario(const std::string& yaml_text, const std::string& file, const std::string& base_dir,
                        const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw InputError(where(file, e.mark.line + 1, "") + ": not valid YAML: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) throw InputError(file + ": the scenario is empty");
  for (const auto& o : overrides) apply_override(root, o);
  Scenario s;
  s.file = file;
  std::stringstream out;
  out << root;
  s.text = overrides.empty() ? yaml_text : out.str() + "\n";
  Fields f(root, file, "",
           {"name", "description", "seed", "horizon", "catalog", "cluster", "priority_classes", "workload",
            "scheduler", "provisioning", "karpenter", "billing", "mig_partitioning", "services", "allocation", "purchasing"});
  s.name = f.str("name");
  s.description = f.str("description", "");
  s.seed = static_cast<std::uint64_t>(f.integer("seed", 0, INT64_MAX, 1));
  s.horizon = f.duration("horizon", sim::kNever);
  if (s.horizon <= 0) f.fail("horizon", "a positive duration");
  parse_catalog(f, base_dir, s);
  s.purchasing = parse_purchasing(f, base_dir, s.catalog);  // before the cluster: may move pools to spot
  parse_priority_classes(f, s);
  if (f.has("cluster")) parse_cluster(f, base_dir, s);
  if (f.has("karpenter")) parse_karpenter(f, base_dir, s);
  if (s.pools.empty()) f.fail("cluster", "node pools (cluster.pools or cluster.openb_nodes) or karpenter.nodepools");
  parse_scheduler(f, s);
  s.provisioning = parse_policy<policies::Provisioner>(f, "provisioning", "static");
  for (std::size_t i = 0; i < s.pools.size(); ++i)
    if (s.pools[i].sharing.shares() && s.provisioning.name != "static")
      throw InputError(where(file, s.pools[i].sharing_line, "cluster.pools[" + std::to_string(i) + "]") +
                       ": GPU sharing (" + to_string(s.pools[i].sharing.mode) + ") needs provisioning: static; the " +
                       s.provisioning.name + " provisioner does not simulate shared GPUs yet");
  s.mig_partitioning = parse_policy<policies::MigPartitioner>(f, "mig_partitioning", "static");
  if (s.mig_partitioning.name != "static" &&
      std::none_of(s.pools.begin(), s.pools.end(), [](const PoolSpec& p) {
        return p.sharing.mode == models::SharingMode::mig && p.sharing.mig.strategy == models::MigStrategy::mixed;
      }))
    f.fail("mig_partitioning", "static, unless a pool shares its GPUs with sharing: {mode: mig, strategy: mixed}");
  parse_billing(f, s);
  s.allocation = parse_allocation(f);
  s.workload = f.has("workload") || !f.has("services") ? parse_workload(f.node("workload"), file, base_dir)
                                                       : std::vector<WorkloadSource>{};
  if (f.has("services")) {
    s.services = parse_services(f.node("services"), file, base_dir);
    if (s.horizon == sim::kNever) f.fail("horizon", "a horizon: services serve requests until it ends");
  }
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open scenario file (does it exist?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path, fs::path(path).parent_path().string(), overrides);
}

}  // namespace fleetsim::scenario
