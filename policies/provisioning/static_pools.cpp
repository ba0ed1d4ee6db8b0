// static: every pool keeps its initial count. Like an auto-scaling group with a
// fixed desired capacity, a node the provider takes away (a reclaimed spot node)
// is replaced; nothing else is launched or removed. It has no period: the world
// calls it when a node is lost.
#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {
namespace {

class StaticPools final : public Provisioner {
 public:
  sim::SimTime period() const override { return 0; }
  void reconcile(const ProvisioningView& v, sim::Rng&, ProvisioningActions& a) override {
    for (models::PoolId p = 0; p < v.cluster.pools().size(); ++p) {
      const int missing = v.cluster.pools()[p].count - v.cluster.pool_size(p);
      if (missing > 0) a.launch.push_back({p, missing});
    }
  }
};

const bool registered = ProvisionerRegistry::instance().add(
    {"static", "Fixed node pools: every pool keeps its initial count; reclaimed nodes are replaced.", {},
     [](const Params&) { return std::make_unique<StaticPools>(); }});

}  // namespace
}  // namespace fleetsim::policies
