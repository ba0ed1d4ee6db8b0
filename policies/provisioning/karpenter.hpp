#pragma once
// karpenter: Karpenter v1's provisioning and disruption loops (SEMANTICS.md
// section 3) over Karpenter offerings: pools with a non-empty `nodepool`, one per
// (NodePool, instance type, capacity type).
//
// Provisioning: new pending pods open a batch that closes batch_idle_duration
// after the last new pod or batch_max_duration after it opened. reconcile() runs
// every `poll` (1 s), so windows resolve at that granularity. Pending pods,
// largest first (GPUs, cpu, memory), go first-fit onto free capacity of ready and
// in-flight nodes, then onto new NodeClaims. A claim comes from the
// highest-weight NodePool (ties: name order) with an offering the pod fits; it
// keeps every offering that fits all its pods. Each claim launches one node:
// spot before on-demand when both remain; spot = price-capacity-optimized
// approximation (lowest interruption bucket of 5 % monthly, then cheapest);
// on-demand = cheapest. limits.nvidia.com/gpu counts the GPU capacity of the
// NodePool's nodes not terminated, launches of this tick included.
// A node still launching launch_delay + 1 s after its request is an
// insufficient-capacity error: it is removed, its offering is unavailable for
// unavailable_offering_ttl and its pods are provisioned again at once. A node the
// provider reclaims (draining without our asking) marks its offering unavailable
// and gets a replacement for its pods at once (no budgets, no pre-spin).
//
// Disruption every disruption_poll: expiration (expire_after since launch,
// budgets ignored), then consolidation within each NodePool's budgets: empty
// nodes (consolidate_after since their pods last changed) are deleted; with
// WhenEmptyOrUnderutilized, then one single-node action: delete a node whose pods
// fit on other ready nodes, else replace it by one strictly cheaper offering
// (pre-spin: the old node goes once the replacement is Ready). Spot→spot
// replacement needs spot_to_spot_consolidation and >= 15 cheaper spot offerings.
// Idle ticks cost little: the pending list is re-read only when it changed,
// interruptions are looked for only when a node changed state, and a disruption
// pass that found nothing is not repeated until something it depends on changed
// (the outcome would be the same).
// Not modelled: multi-node consolidation, drift, budget schedules/reasons,
// consolidationTTL re-validation, do-not-disrupt on nodes (pods: job label
// karpenter.sh/do-not-disrupt=true blocks consolidation of their node).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {

inline constexpr const char* kDoNotDisruptLabel = "karpenter.sh/do-not-disrupt";

struct DisruptionBudget {
  bool percent = true;
  double value = 10;  // percent of the NodePool's nodes, or a node count
};

// "10%", "5", "20%,5": throws InputError on anything else.
std::vector<DisruptionBudget> parse_budgets(const std::string& text);
// min over budgets of ceil(total * P / 100) or N, minus nodes deleting and not
// ready, at least 0.
int allowed_disruptions(int total, const std::vector<DisruptionBudget>& budgets, int deleting, int not_ready);

// Monthly interruption probability -> Spot Instance Advisor bucket
// (<5 %, 5-10 %, 10-15 %, 15-20 %, >20 %) as 0..4.
int interruption_bucket(double monthly_probability);

enum class ConsolidationPolicy : std::uint8_t { when_empty_or_underutilized, when_empty };

struct KarpenterConfig {
  sim::SimTime batch_idle_duration = sim::kSecond;
  sim::SimTime batch_max_duration = 10 * sim::kSecond;
  sim::SimTime poll = sim::kSecond;
  ConsolidationPolicy policy = ConsolidationPolicy::when_empty_or_underutilized;
  sim::SimTime consolidate_after = 0;  // kNever = "Never": no consolidation
  std::vector<DisruptionBudget> budgets{{true, 10}};
  sim::SimTime expire_after = 720 * sim::kHour;  // kNever = "Never"
  sim::SimTime disruption_poll = 10 * sim::kSecond;
  bool spot_to_spot_consolidation = false;
  sim::SimTime unavailable_offering_ttl = 3 * sim::kMinute;
};

std::vector<ParamSpec> karpenter_params();
KarpenterConfig karpenter_config(const Params& p);

class Karpenter final : public Provisioner {
 public:
  explicit Karpenter(KarpenterConfig config) : cfg_(std::move(config)) {}
  sim::SimTime period() const override { return cfg_.poll; }
  void reconcile(const ProvisioningView& view, sim::Rng& rng, ProvisioningActions& actions) override;

  const KarpenterConfig& config() const { return cfg_; }
  bool batch_open() const { return batch_open_; }
  // Whether `pool` (an offering) is in the unavailable-offerings cache at `now`.
  bool offering_unavailable(models::PoolId pool, sim::SimTime now) const;
  // Nodes being replaced by consolidation, and their replacement (kNoNode until it exists).
  static constexpr models::NodeId kNoNode = UINT32_MAX;
  const std::map<models::NodeId, models::NodeId>& replacing() const { return replacing_; }

 private:
  struct Ctx;
  enum class Why : std::uint8_t { provision, replacement };
  struct Launch {
    models::PoolId pool = 0;
    Why why = Why::provision;
    models::NodeId replaces = kNoNode;  // for Why::replacement
  };

  // The offerings by NodePool, fixed once the cluster's pools are known. NodePools
  // are numbered in name order.
  struct Offerings {
    bool built = false;
    std::vector<std::vector<models::PoolId>> by_nodepool;
    std::vector<int> order;                  // NodePools: weight desc, name asc
    std::vector<std::int64_t> limit;         // GPU limit per NodePool, 0 = none
    std::vector<int> nodepool_of;            // per pool; -1 for plain pools
    std::vector<models::Resources> capacity; // per pool: allocatable of a new node
  };

  // The nodes a pass needs, kept up to date from Cluster::changes() so a pass
  // visits them instead of every node. Rebuilt from scratch when changes were
  // missed, and on every tick when the view's version is 0 (the reference
  // behaviour the incremental one is tested against).
  struct Index {
    static constexpr int kNone = -1, kOther = -2;
    bool built = false;
    std::uint64_t cursor = 0;           // next change number to read
    std::vector<int> key;               // per node: its key in `movable`, or kOther / kNone
    std::set<models::NodeId> gpu_free;  // live and not draining, with a free GPU
    // Ready NodePool nodes: spot ones (without spot-to-spot) by their largest
    // pod's GPUs, since they can only be deleted; the rest.
    std::set<std::pair<int, models::NodeId>> movable;
    std::set<models::NodeId> others;
    std::vector<models::NodeId> drained;  // nodes seen entering draining since the last tick
    sim::SimTime next_expiry = INT64_MIN;  // no node expires before this (INT64_MIN: unknown)
  };

  void build_offerings(const models::Cluster& c);
  void sync_index(const models::Cluster& c, bool rebuild);
  void index_node(const models::Cluster& c, models::NodeId id);
  bool forget_finished(const models::Cluster& c, sim::SimTime now);
  void adopt_launches(const models::Cluster& c);
  void provision(Ctx& x, const std::vector<const models::PodSpec*>& extra);
  void disrupt(Ctx& x);
  bool consolidate_one(Ctx& x, models::NodeId id, std::vector<int>& allowed);
  void launch(Ctx& x, models::PoolId pool, Why why, models::NodeId replaces = kNoNode);
  bool disruption_quiet(const ProvisioningView& v) const;

  KarpenterConfig cfg_;
  Offerings o_;
  Index idx_;
  // Batching.
  std::set<std::pair<models::JobId, sim::SimTime>> seen_;
  bool batch_open_ = false;
  sim::SimTime batch_start_ = 0;
  sim::SimTime batch_last_ = 0;
  sim::SimTime last_disruption_ = INT64_MIN / 4;  // never yet
  // Launches asked for at the last reconcile, in order, and the first node id they got.
  std::vector<Launch> asked_;
  std::size_t asked_first_id_ = 0;
  std::set<models::NodeId> mine_;         // nodes launched by provisioning (ICE watch)
  std::set<models::NodeId> removing_;     // removals asked for
  std::set<models::NodeId> interrupted_;  // reclaimed by the provider, handled
  std::map<models::PoolId, sim::SimTime> unavailable_;  // offering -> until
  std::map<models::NodeId, models::NodeId> replacing_;  // old node -> replacement
  std::uint64_t seen_pending_version_ = 0;
  bool unplaced_ = false;  // the last provisioning round left a pod without capacity
  std::uint64_t provisioned_at_node_version_ = 0;
  // After a disruption pass that found nothing, the next one can find something
  // only once the cluster, the pending pods or the bookkeeping change, or time
  // reaches `until` (an expiry, consolidateAfter, an offering's return).
  struct Quiet {
    bool on = false;
    std::uint64_t nodes = 0, unbinds = 0, pending = 0;
    sim::SimTime until = 0;
  } quiet_;
};

}  // namespace fleetsim::policies
