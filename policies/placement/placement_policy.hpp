#pragma once
// Where one pod goes. Gang placement (all pods of a job or none) is the world's:
// it binds pods one by one and rolls back when one fails.
#include <optional>

#include "models/cluster.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  // A node that passes the NodeResourcesFit filter for `pod`, or nullopt.
  virtual std::optional<models::NodeId> place(const models::PodSpec& pod, const models::Cluster& cluster) = 0;
};

using PlacementRegistry = Registry<PlacementPolicy>;

}  // namespace fleetsim::policies
