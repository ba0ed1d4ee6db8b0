#pragma once
// Shared by best-fit and spread: filter, score every feasible node with the
// NodeResourcesFit strategy, take the highest. kube-scheduler breaks ties at
// random; fleetsim takes the lowest node index so runs are reproducible without
// spending random numbers (documented in docs/policies.md).
#include "policies/placement/placement_policy.hpp"
#include "policies/placement/resource_scoring.hpp"

namespace fleetsim::policies {

std::vector<ParamSpec> resource_weight_params();
ResourceWeights resource_weights(const Params& p);

class ScoredPlacement final : public PlacementPolicy {
 public:
  ScoredPlacement(ScoringStrategy s, ResourceWeights w) : strategy_(s), weights_(w) {}
  std::optional<models::NodeId> place(const models::PodSpec& pod, const models::Cluster& c) override;

 private:
  ScoringStrategy strategy_;
  ResourceWeights weights_;
};

}  // namespace fleetsim::policies
