// Karpenter's index of the nodes its passes need, kept up to date from the
// cluster's change list (see Karpenter::Index).
#include <algorithm>

#include "policies/provisioning/karpenter.hpp"

namespace fleetsim::policies {

using models::NodeId;
using models::NodeState;

void Karpenter::index_node(const models::Cluster& c, NodeId id) {
  if (idx_.key.size() <= id) idx_.key.resize(c.nodes().size(), Index::kNone);
  int& key = idx_.key[id];
  if (key >= 0) idx_.movable.erase({key, id});
  if (key == Index::kOther) idx_.others.erase(id);
  key = Index::kNone;
  idx_.gpu_free.erase(id);
  const models::Node& n = c.node(id);
  if (n.state == NodeState::terminated) return;
  if (n.state == NodeState::draining) {
    idx_.drained.push_back(id);
    return;
  }
  if (n.free().gpus > 0) idx_.gpu_free.insert(id);
  if (n.state != NodeState::ready || o_.nodepool_of[n.pool] < 0) return;
  if (c.pools()[n.pool].spot && !cfg_.spot_to_spot_consolidation) {
    int largest = 0;
    for (const auto& b : n.pods) largest = std::max(largest, b.request.gpus);
    key = largest;
    idx_.movable.insert({largest, id});
  } else {
    key = Index::kOther;
    idx_.others.insert(id);
  }
}

void Karpenter::sync_index(const models::Cluster& c, bool rebuild) {
  const std::uint64_t end = c.changes_base() + c.changes().size();
  if (rebuild || !idx_.built || idx_.cursor < c.changes_base()) {
    idx_.key.assign(c.nodes().size(), Index::kNone);
    idx_.gpu_free.clear();
    idx_.movable.clear();
    idx_.others.clear();
    idx_.next_expiry = INT64_MIN;
    for (NodeId id : c.live()) index_node(c, id);
    idx_.built = true;
  } else {
    for (std::uint64_t i = idx_.cursor; i < end; ++i) index_node(c, c.changes()[i - c.changes_base()]);
  }
  idx_.cursor = end;
}

}  // namespace fleetsim::policies
