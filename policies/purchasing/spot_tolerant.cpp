// spot-tolerant: run interruption-tolerant pools on spot. The pools named in
// `pools` (plain pools or Karpenter NodePools) that are on-demand are rewritten
// by the scenario loader before the run: a plain pool becomes
// `capacity_type: spot` with `spot: {discount, interruption}` from this policy's
// parameters; a Karpenter NodePool allows both capacity types, so Karpenter
// launches spot first and falls back to on-demand when spot is short
// (SEMANTICS.md §3: capacity-type priority spot > on-demand). A plain pool has
// no on-demand fallback: the static provisioner replaces a reclaimed spot node
// with another spot node. It buys no commitments.
#include <algorithm>
#include <sstream>

#include "policies/purchasing/purchase_policy.hpp"
#include "util/input_error.hpp"

namespace fleetsim::policies {
namespace {

class SpotTolerant final : public PurchasePolicy {
 public:
  explicit SpotTolerant(const Params& p) {
    std::stringstream in(p.text("pools"));
    std::string name;
    while (std::getline(in, name, ',')) {
      const auto b = name.find_first_not_of(' '), e = name.find_last_not_of(' ');
      if (b != std::string::npos) pools_.push_back(name.substr(b, e - b + 1));
    }
  }
  // Throws InputError("pools: ...") for a name that is no pool.
  std::vector<std::string> to_spot(const std::vector<PoolOffer>& pools) const override {
    std::vector<std::string> out;
    for (const auto& n : pools_) {
      auto it = std::find_if(pools.begin(), pools.end(), [&](const PoolOffer& p) { return p.name == n; });
      if (it == pools.end()) {
        std::string names;
        for (const auto& p : pools) names += (names.empty() ? "" : ", ") + p.name;
        throw InputError("pools: expected names of the scenario's pools or NodePools (" + names + "), got '" + n + "'");
      }
      if (!it->spot) out.push_back(n);
    }
    return out;
  }

 private:
  std::vector<std::string> pools_;
};

const bool registered = PurchasePolicyRegistry::instance().add(
    {"spot-tolerant",
     "Move the named interruption-tolerant pools (or Karpenter NodePools, with on-demand fallback) to spot.",
     {{"pools", ParamKind::text, "", "comma-separated names of the interruption-tolerant pools or NodePools"},
      {"discount", ParamKind::text, "advisor", "spot discount off on-demand for the moved pools (0-1, or advisor)"},
      {"interruption", ParamKind::text, "advisor",
       "interruption rate of the moved pools: a Spot Advisor bucket, a monthly probability or advisor"}},
     [](const Params& p) { return std::make_unique<SpotTolerant>(p); }});

}  // namespace
}  // namespace fleetsim::policies
