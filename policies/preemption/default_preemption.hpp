#pragma once
// kube-scheduler's DefaultPreemption (PostFilter), as in
// pkg/scheduler/framework/preemption/preemption.go and
// plugins/defaultpreemption/default_preemption.go:
//  - a node is a candidate when removing all pods of strictly lower priority lets
//    the preemptor fit;
//  - on it, victims are minimised by reprieving pods in order of importance
//    (higher priority first, then earlier start) while the preemptor still fits;
//  - among candidates, pickOneNodeForPreemption prefers: lowest highest-victim
//    priority, lowest sum of victim priorities, fewest victims, latest start of
//    the highest-priority victims, then the first node.
// PodDisruptionBudgets are not modelled, so the first rule (fewest PDB
// violations) never separates candidates.
#include <optional>
#include <set>
#include <vector>

#include "models/cluster.hpp"
#include "policies/placement/placement_policy.hpp"

namespace fleetsim::policies {

struct PreemptionCandidate {
  models::NodeId node = 0;
  std::vector<models::BoundPod> victims;
  int pdb_violations = 0;
};

// Victims on `node` for a pod of priority `priority`, or nullopt when even
// removing every lower-priority pod does not make room.
std::optional<std::vector<models::BoundPod>> select_victims_on_node(const models::Cluster& cluster,
                                                                    const models::Node& node,
                                                                    const models::PodSpec& pod,
                                                                    std::int32_t priority);

// Index of the chosen candidate (candidates must not be empty).
std::size_t pick_one_node_for_preemption(const std::vector<PreemptionCandidate>& candidates);

// Plans preemption for a whole job (all pods or none) on a copy of the cluster:
// pods that fit are placed by `placement`, the rest preempt. Returns the jobs to
// evict (a victim pod's whole job goes: gangs restart whole), or nullopt.
std::optional<std::set<models::JobId>> plan_job_preemption(const models::Job& job, models::Cluster cluster,
                                                           PlacementPolicy& placement, sim::SimTime now);

}  // namespace fleetsim::policies
