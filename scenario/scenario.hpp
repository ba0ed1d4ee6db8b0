#pragma once
// A scenario as plain, validated values. Loading checks every field and names the
// file, line and field of anything wrong; nothing downstream parses YAML.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/gpu_sharing.hpp"
#include "models/instance_catalog.hpp"
#include "models/priority.hpp"
#include "models/spot_market.hpp"
#include "scenario/allocation_yaml.hpp"
#include "scenario/policy_yaml.hpp"
#include "scenario/purchasing_yaml.hpp"
#include "scenario/services_yaml.hpp"
#include "scenario/workload_yaml.hpp"
#include "sim/time.hpp"

namespace fleetsim::scenario {

struct PoolSpec {
  std::string name;
  std::string instance_type;
  int count = 0;
  double usd_per_hour = 0;  // catalog price unless the scenario overrides it
  int max_pods = 110;
  int min = 0;              // node-group bounds for autoscalers
  int max = 0;              // default: count
  sim::SimTime launch_delay = 30 * sim::kSecond;  // request -> running (billed)
  sim::SimTime boot_delay = 0;                    // running -> Ready; default by GPU/CPU type
  double launch_failure_probability = 0;
  models::CapacityType capacity_type = models::CapacityType::on_demand;
  std::optional<models::SpotMarketSpec> spot;  // set for spot pools
  double ondemand_usd_per_hour = 0;            // spot pools: the price the discount applies to
  // Generated from a Karpenter NodePool (one pool per instance type and capacity type).
  std::string nodepool;
  int weight = 0;
  std::int64_t nodepool_gpu_limit = 0;
  models::GpuSharing sharing{};  // its sharing: block (none: whole GPUs)
  int sharing_line = 0;        // the pool's line, for messages
};


struct SchedulerSpec {
  PolicyChoice queue{"fifo", {}};
  PolicyChoice placement{"first-fit", {}};
  sim::SimTime preemption_grace = 30 * sim::kSecond;  // terminationGracePeriodSeconds default
};

struct BillingSpec {
  sim::SimTime minimum = 60 * sim::kSecond;  // AWS/GCP per-second billing, 60 s minimum
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;
  std::string text;  // the YAML as run, after --set overrides
  std::uint64_t seed = 1;
  sim::SimTime horizon = sim::kNever;
  models::InstanceCatalog catalog;
  std::vector<PoolSpec> pools;
  // Pool of each node in creation order (trace node lists); empty = pool by pool.
  std::vector<std::uint32_t> node_order;
  models::PriorityClasses priority_classes;
  std::vector<WorkloadSource> workload;
  std::vector<ServiceSpec> services;  // online inference services (services:)
  SchedulerSpec scheduler;
  PolicyChoice provisioning{"static", {}};
  PolicyChoice mig_partitioning{"static", {}};  // how MIG layouts follow demand
  BillingSpec billing;
  PurchasingSpec purchasing;  // purchase options (purchasing:, docs/purchasing.md)
  AllocationSpec allocation;  // cost allocation: idle and overhead (docs/cost.md)
};

// Default boot time (running -> Ready): GPU nodes start a driver and the device
// plugin and pull large images; SEMANTICS.md §2.2 gives 3-10 min for GPU nodes
// and 1-3 min for CPU nodes. fleetsim takes 4 min and 90 s.
sim::SimTime default_boot_delay(const models::InstanceType& t);

// Loads and validates. `overrides` are "path=value" strings (--set); a path is
// dotted keys with [i] for list items: "cluster.pools[0].count=8".
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
Scenario parse_scenario(const std::string& yaml_text, const std::string& file, const std::string& base_dir,
                        const std::vector<std::string>& overrides = {});

// Applies one "path=value" override to a YAML tree (throws InputError).
void apply_override(YAML::Node& root, const std::string& assignment);

// The catalog shipped in data/catalog/instances.csv.
std::string builtin_catalog_path();

}  // namespace fleetsim::scenario
