// first-fit: the first node, in node order, that passes the NodeResourcesFit
// filter. The simplest baseline and the fastest.
#include "policies/placement/placement_policy.hpp"

namespace fleetsim::policies {
namespace {

class FirstFit final : public PlacementPolicy {
 public:
  std::optional<models::NodeId> place(const models::PodSpec& pod, const models::Cluster& c) override {
    if (!c.may_fit(pod)) return std::nullopt;
    for (models::NodeId id : c.live())
      if (c.fits(c.node(id), pod)) return id;
    return std::nullopt;
  }
};

const bool registered = PlacementRegistry::instance().add(
    {"first-fit", "First node in node order that fits the pod.", {},
     [](const Params&) { return std::make_unique<FirstFit>(); }});

}  // namespace
}  // namespace fleetsim::policies
