// spread: NodeResourcesFit with scoringStrategy LeastAllocated — kube-scheduler's
// default strategy, which spreads pods over nodes.
#include "policies/placement/scored_placement.hpp"

namespace fleetsim::policies {
namespace {

const bool registered = PlacementRegistry::instance().add(
    {"spread", "Least-allocated feasible node (NodeResourcesFit LeastAllocated, the kube-scheduler default).",
     resource_weight_params(), [](const Params& p) {
       return std::make_unique<ScoredPlacement>(ScoringStrategy::least_allocated, resource_weights(p));
     }});

}  // namespace
}  // namespace fleetsim::policies
