#pragma once
// cluster-autoscaler: the Kubernetes Cluster Autoscaler's loop (SEMANTICS.md
// section 2). Every scan_interval: nodes not Ready max_node_provision_time after
// they were requested are removed and their node group backed off; one node group
// is grown for the unschedulable pods (binpacking estimate per group, expander
// chain picks the group); nodes below the utilization threshold whose pods fit on
// other nodes are removed after being unneeded for scale_down_unneeded_time.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policies/provisioning/ca_expanders.hpp"
#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {

struct ClusterAutoscalerConfig {
  sim::SimTime scan_interval = 10 * sim::kSecond;
  std::vector<Expander> expanders{Expander::least_waste};
  std::vector<PriorityRule> priorities;
  bool scale_down_enabled = true;
  double scale_down_utilization_threshold = 0.5;
  double scale_down_gpu_utilization_threshold = 0.5;
  sim::SimTime scale_down_unneeded_time = 10 * sim::kMinute;
  sim::SimTime scale_down_delay_after_add = 10 * sim::kMinute;
  sim::SimTime scale_down_delay_after_delete = 0;
  sim::SimTime max_node_provision_time = 15 * sim::kMinute;
  sim::SimTime initial_node_group_backoff = 5 * sim::kMinute;
  sim::SimTime max_node_group_backoff = 30 * sim::kMinute;
  sim::SimTime node_group_backoff_reset = 3 * sim::kHour;
  int max_scale_down_parallelism = 10;  // deletions in flight, empty and drained together
  int max_drain_parallelism = 1;        // of which non-empty
  int max_nodes_total = 0;              // 0 = unlimited
  std::int64_t expendable_pods_priority_cutoff = -10;
};

// The declared parameters (defaults from SEMANTICS.md table 2.1).
std::vector<ParamSpec> cluster_autoscaler_params();
// Reads and checks them; throws InputError on an unknown expander or bad priorities.
ClusterAutoscalerConfig cluster_autoscaler_config(const Params& p);

// simulator/utilization/info.go: a node with GPUs counts GPU requests only;
// otherwise max(cpu, memory) requests over allocatable.
double ca_utilization(const models::Resources& allocatable, const models::Resources& requested);
inline double ca_utilization(const models::Node& n) { return ca_utilization(n.allocatable, n.requested); }

class ClusterAutoscaler final : public Provisioner {
 public:
  explicit ClusterAutoscaler(ClusterAutoscalerConfig config) : cfg_(std::move(config)) {}
  sim::SimTime period() const override { return cfg_.scan_interval; }
  void reconcile(const ProvisioningView& view, sim::Rng& rng, ProvisioningActions& actions) override;

  const ClusterAutoscalerConfig& config() const { return cfg_; }
  // Since when `node` has been continuously unneeded; nullopt when it is not.
  std::optional<sim::SimTime> unneeded_since(models::NodeId node) const;
  // End of `pool`'s scale-up backoff (nullopt when none is recorded) and its length.
  std::optional<sim::SimTime> backoff_until(models::PoolId pool) const;
  sim::SimTime backoff_duration(models::PoolId pool) const;
  std::optional<sim::SimTime> last_scale_up() const { return last_scale_up_; }

 private:
  struct Backoff {
    sim::SimTime duration = 0;
    sim::SimTime until = 0;
    sim::SimTime last_failure = 0;
  };
  struct Snapshot;

  void forget_finished(const models::Cluster& c, sim::SimTime now);
  void provision_timeouts(const ProvisioningView& v, ProvisioningActions& a);
  void back_off(models::PoolId pool, sim::SimTime now);
  bool backed_off(models::PoolId pool, sim::SimTime now) const;
  struct PendingPod;
  std::vector<PendingPod> place_on_existing(const ProvisioningView& v, Snapshot& s) const;
  void scale_up(const ProvisioningView& v, Snapshot& s, std::vector<PendingPod>& pods, sim::Rng& rng,
                ProvisioningActions& a);
  void scale_down(const ProvisioningView& v, Snapshot& s, ProvisioningActions& a);

  ClusterAutoscalerConfig cfg_;
  std::map<models::NodeId, sim::SimTime> unneeded_;
  std::map<models::PoolId, Backoff> backoff_;
  std::optional<sim::SimTime> last_scale_up_;
  std::optional<sim::SimTime> last_delete_;
  // Nodes this autoscaler asked to remove that are still draining (or were asked
  // this tick), and why: deletions in flight count against the parallelism limits.
  enum class Removal : std::uint8_t { empty, drain, provision_timeout };
  std::map<models::NodeId, Removal> removing_;
};

}  // namespace fleetsim::policies
