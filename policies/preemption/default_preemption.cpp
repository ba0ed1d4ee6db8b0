#include "policies/preemption/default_preemption.hpp"

#include <algorithm>
#include <limits>

namespace fleetsim::policies {

namespace {
// Whether `pod` fits on `node` once `removed` pods are gone.
bool fits_without(const models::Cluster& cluster, const models::Node& node, const models::PodSpec& pod,
                  const std::vector<models::BoundPod>& removed) {
  return cluster.fits(cluster.without(node, removed), pod);
}

bool more_important(const models::BoundPod& a, const models::BoundPod& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.start < b.start;
}
}  // namespace

std::optional<std::vector<models::BoundPod>> select_victims_on_node(const models::Cluster& cluster,
                                                                    const models::Node& node,
                                                                    const models::PodSpec& pod,
                                                                    std::int32_t priority) {
  std::vector<models::BoundPod> lower;
  for (const auto& b : node.pods)
    if (b.priority < priority) lower.push_back(b);
  if (lower.empty() || !fits_without(cluster, node, pod, lower)) return std::nullopt;
  std::sort(lower.begin(), lower.end(), more_important);
  // Reprieve in order of importance: keep each pod that still leaves room.
  std::vector<models::BoundPod> victims = lower;
  for (const auto& candidate : lower) {
    std::vector<models::BoundPod> without;
    for (const auto& v : victims)
      if (!(v.ref == candidate.ref)) without.push_back(v);
    if (fits_without(cluster, node, pod, without)) victims = std::move(without);
  }
  return victims;
}

std::size_t pick_one_node_for_preemption(const std::vector<PreemptionCandidate>& cands) {
  std::vector<std::size_t> left(cands.size());
  for (std::size_t i = 0; i < cands.size(); ++i) left[i] = i;
  // Keeps the candidates minimising `key`.
  auto keep_min = [&](auto key) {
    auto best = key(cands[left[0]]);
    for (std::size_t i : left) best = std::min(best, key(cands[i]));
    std::vector<std::size_t> next;
    for (std::size_t i : left)
      if (key(cands[i]) == best) next.push_back(i);
    left = next;
  };
  keep_min([](const PreemptionCandidate& c) { return c.pdb_violations; });
  keep_min([](const PreemptionCandidate& c) {
    std::int64_t m = std::numeric_limits<std::int64_t>::min();
    for (const auto& v : c.victims) m = std::max<std::int64_t>(m, v.priority);
    return m;
  });
  keep_min([](const PreemptionCandidate& c) {
    // Offset by MaxInt32+1 so negative priorities still add up sensibly.
    std::int64_t s = 0;
    for (const auto& v : c.victims) s += std::int64_t{v.priority} + std::numeric_limits<std::int32_t>::max() + 1;
    return s;
  });
  keep_min([](const PreemptionCandidate& c) { return c.victims.size(); });
  // Latest start among the highest-priority victims' earliest start.
  keep_min([](const PreemptionCandidate& c) {
    std::int32_t top = std::numeric_limits<std::int32_t>::min();
    for (const auto& v : c.victims) top = std::max(top, v.priority);
    sim::SimTime earliest = sim::kNever;
    for (const auto& v : c.victims)
      if (v.priority == top) earliest = std::min(earliest, v.start);
    return -earliest;
  });
  return left.front();
}

std::optional<std::set<models::JobId>> plan_job_preemption(const models::Job& job, models::Cluster cluster,
                                                           PlacementPolicy& placement, sim::SimTime now) {
  std::set<models::JobId> evicted;
  for (std::uint32_t i = 0; i < job.pods.size(); ++i) {
    const auto& pod = job.pods[i];
    models::PodRef ref{job.id, i};
    if (auto node = placement.place(pod, cluster)) {
      cluster.bind(*node, ref, pod, job.priority, now);
      continue;
    }
    std::vector<PreemptionCandidate> cands;
    for (models::NodeId id : cluster.live())
      if (auto v = select_victims_on_node(cluster, cluster.node(id), pod, job.priority)) cands.push_back({id, *v, 0});
    if (cands.empty()) return std::nullopt;
    const auto& chosen = cands[pick_one_node_for_preemption(cands)];
    std::set<models::JobId> victims_jobs;
    for (const auto& v : chosen.victims) victims_jobs.insert(v.ref.job);
    // A victim's whole job leaves, on every node it occupies.
    for (models::NodeId id : cluster.live()) {
      const models::Node& n = cluster.node(id);
      std::vector<models::PodRef> go;
      for (const auto& b : n.pods)
        if (victims_jobs.count(b.ref.job)) go.push_back(b.ref);
      for (const auto& r : go) cluster.unbind(n.id, r, now);
    }
    evicted.insert(victims_jobs.begin(), victims_jobs.end());
    cluster.bind(chosen.node, ref, pod, job.priority, now);
  }
  if (evicted.empty()) return std::nullopt;
  return evicted;
}

}  // namespace fleetsim::policies
