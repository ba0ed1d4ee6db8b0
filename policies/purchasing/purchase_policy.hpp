#pragma once
// How capacity is bought: which commitments (reservations, savings plans) to
// hold, and which pools may run on spot. A purchase policy decides twice:
// before the run, which pools to move to spot (the scenario loader rewrites
// those pools: a scenario transformation, the world is unchanged); after the
// run, from its hourly usage, which commitments to buy on top of the ones the
// scenario lists. analysis/ applies them to the run's bill (models/purchasing.hpp).
#include <string>
#include <vector>

#include "models/price_book.hpp"
#include "models/purchasing.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

struct PoolOffer {
  std::string name;        // the pool (or Karpenter NodePool) name
  bool spot = false;       // already spot (or allows spot)
};

class PurchasePolicy {
 public:
  virtual ~PurchasePolicy() = default;
  // Names of on-demand pools to run on spot instead.
  virtual std::vector<std::string> to_spot(const std::vector<PoolOffer>& pools) const {
    (void)pools;
    return {};
  }
  // Commitments to add to `held` (the scenario's own) for this usage. Types the
  // book cannot price are left on-demand, with a line in `notes`.
  virtual models::Commitments buy(const models::UsageCurve& usage, const models::PriceBook& book,
                                  const models::Commitments& held, std::vector<std::string>& notes) const {
    (void)usage, (void)book, (void)held, (void)notes;
    return {};
  }
};

using PurchasePolicyRegistry = Registry<PurchasePolicy>;

}  // namespace fleetsim::policies
