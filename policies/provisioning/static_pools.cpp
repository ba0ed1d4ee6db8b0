// static: node pools keep their size; nothing is launched or removed.
#include "policies/provisioning/provisioner.hpp"

namespace fleetsim::policies {
namespace {

class StaticPools final : public Provisioner {
 public:
  sim::SimTime period() const override { return 0; }
  void reconcile(const ProvisioningView&, sim::Rng&, ProvisioningActions&) override {}
};

const bool registered = ProvisionerRegistry::instance().add(
    {"static", "Fixed node pools: every pool keeps its initial count.", {},
     [](const Params&) { return std::make_unique<StaticPools>(); }});

}  // namespace
}  // namespace fleetsim::policies
