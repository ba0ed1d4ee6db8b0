// best-fit: NodeResourcesFit with scoringStrategy MostAllocated — bin packing.
#include "policies/placement/scored_placement.hpp"

namespace fleetsim::policies {
namespace {

const bool registered = PlacementRegistry::instance().add(
    {"best-fit", "Most-allocated feasible node (NodeResourcesFit MostAllocated): packs pods.",
     resource_weight_params(), [](const Params& p) {
       return std::make_unique<ScoredPlacement>(ScoringStrategy::most_allocated, resource_weights(p));
     }});

}  // namespace
}  // namespace fleetsim::policies
