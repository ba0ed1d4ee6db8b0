// dynamic: re-partitions GPUs of MIG mixed pools toward the instances pending
// pods ask for, as nos's GPU partitioner does (nebuly-ai/nos, "Dynamic GPU
// partitioning": batches of pending pods, batchWindowIdleSeconds 10 and
// batchWindowTimeoutSeconds 60 by default; instances in use are kept).
//
// The plan: pending pods first take the free instances of their profile that
// exist (those are kept). For each pod left over, in queue order, the first GPU
// (node order, then index) that is not being reconfigured and on which the new
// instance fits beside the kept ones (instances in use and free ones kept for
// pending pods, at their starts) gets it; the GPU's other free instances are
// kept when they still fit and destroyed otherwise.
#include <algorithm>
#include <map>

#include "policies/partitioning/mig_partitioner.hpp"

namespace fleetsim::policies {
namespace {

std::string pinned(const models::MigDevice& d) { return std::string(d.profile->name) + "@" + std::to_string(d.start); }

class DynamicLayouts final : public MigPartitioner {
 public:
  explicit DynamicLayouts(const Params& p)
      : idle_(p.duration("batch_idle")), timeout_(p.duration("batch_timeout")), delay_(p.duration("reconfigure_delay")) {}
  bool dynamic() const override { return true; }
  sim::SimTime batch_idle() const override { return idle_; }
  sim::SimTime batch_timeout() const override { return timeout_; }
  sim::SimTime reconfigure_delay() const override { return delay_; }

  std::vector<MigRepartition> plan(const models::Cluster& c, const std::vector<std::string>& pending) override {
    // Nodes that may be re-partitioned: ready nodes of MIG mixed pools.
    std::vector<models::NodeId> nodes;
    for (models::NodeId id : c.live()) {
      const auto& n = c.node(id);
      const auto& s = c.pools()[n.pool].sharing;
      if (n.state == models::NodeState::ready && s.mode == models::SharingMode::mig &&
          s.mig.strategy == models::MigStrategy::mixed)
        nodes.push_back(id);
    }
    // Free instances that pending pods will take are kept.
    std::map<models::NodeId, std::uint64_t> kept;
    std::vector<std::string> unmet;
    for (const auto& profile : pending) {
      bool found = false;
      for (std::size_t k = 0; k < nodes.size() && !found; ++k) {
        const auto& mig = c.node(nodes[k]).mig;
        std::uint64_t& mine = kept[nodes[k]];
        for (std::size_t i = 0; i < mig.size() && !found; ++i)
          if (mig[i].profile && !mig[i].used && mig[i].profile->name == profile && !(mine >> i & 1u)) {
            mine |= std::uint64_t{1} << i;
            found = true;
          }
      }
      if (!found) unmet.push_back(profile);
    }
    std::vector<MigRepartition> out;
    for (models::NodeId id : nodes) {
      const auto& n = c.node(id);
      const models::MigGpu& gpu = *c.pools()[n.pool].sharing.mig.gpu;
      for (int g = 0; g < n.type->gpus && !unmet.empty(); ++g) {
        if (n.mig_reconfiguring & (1u << g)) continue;
        std::vector<std::string> fixed;
        std::vector<std::size_t> spare;  // free instances nobody pending asked for
        for (std::size_t i = 0; i < n.mig.size(); ++i) {
          const auto& d = n.mig[i];
          if (d.gpu != g || !d.profile) continue;
          if (d.used || (kept[id] >> i & 1u)) {
            fixed.push_back(pinned(d));
          } else {
            spare.push_back(i);
          }
        }
        MigRepartition r{id, g, 0, {}};
        for (auto it = unmet.begin(); it != unmet.end();) {
          if (!gpu.find(*it)) {
            ++it;
            continue;
          }
          std::vector<std::string> trial = fixed;
          trial.push_back(*it);
          const auto placed = models::place_mig(gpu, trial);
          if (!placed.ok()) {
            ++it;
            continue;
          }
          const auto& inst = placed.layout.instances.back();
          fixed.push_back(inst.profile + "@" + std::to_string(inst.start));
          r.add.push_back(inst);
          it = unmet.erase(it);
        }
        if (r.add.empty()) continue;
        for (std::size_t i : spare) {
          std::vector<std::string> trial = fixed;
          trial.push_back(pinned(n.mig[i]));
          if (models::place_mig(gpu, trial).ok()) {
            fixed.push_back(trial.back());
          } else {
            r.remove |= std::uint64_t{1} << i;
          }
        }
        out.push_back(std::move(r));
      }
    }
    return out;
  }

 private:
  sim::SimTime idle_, timeout_, delay_;
};

const bool registered = MigPartitionerRegistry::instance().add(
    {"dynamic",
     "Re-partitions free MIG capacity toward the instances pending pods ask for (like nos's GPU partitioner); "
     "instances in use are kept.",
     {{"batch_idle", ParamKind::duration, "10s", "plan once no new pending pod appeared for this long (nos default)"},
      {"batch_timeout", ParamKind::duration, "60s", "plan at the latest this long after a batch began (nos default)"},
      {"reconfigure_delay", ParamKind::duration, "30s",
       "from destroying instances to the new ones being advertised (an assumption: create the instances and "
       "restart the device plugin)"}},
     [](const Params& p) { return std::make_unique<DynamicLayouts>(p); }});

}  // namespace
}  // namespace fleetsim::policies
