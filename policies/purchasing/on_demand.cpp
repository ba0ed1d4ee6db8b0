// on-demand: buys nothing. Every hour is paid at the on-demand rate, except what
// commitments the scenario lists itself (purchasing.reserved, purchasing.savings_plan).
#include "policies/purchasing/purchase_policy.hpp"

namespace fleetsim::policies {
namespace {

class OnDemand final : public PurchasePolicy {};

const bool registered = PurchasePolicyRegistry::instance().add(
    {"on-demand", "Buy no commitments: on-demand prices (plus any reservations or savings plan the scenario lists).",
     {},
     [](const Params&) { return std::make_unique<OnDemand>(); }});

}  // namespace
}  // namespace fleetsim::policies
