// priority: kube-scheduler's PrioritySort — higher PriorityClass value first,
// then submission order. With `preemption: true` (the Kubernetes default for
// classes with preemptionPolicy PreemptLowerPriority) a job that fits nowhere
// evicts lower-priority pods, chosen as DefaultPreemption chooses them.
#include <set>
#include <tuple>

#include "policies/queueing/queue_policy.hpp"

namespace fleetsim::policies {
namespace {

class PriorityQueue final : public QueuePolicy {
 public:
  explicit PriorityQueue(const Params& p)
      : blocking_(p.boolean("blocking")), preemption_(p.boolean("preemption")) {}
  void add(const models::Job& j) override { queue_.emplace(-std::int64_t{j.priority}, j.submit, j.id); }
  void remove(const models::Job& j) override { queue_.erase({-std::int64_t{j.priority}, j.submit, j.id}); }
  void for_each(const std::function<bool(models::JobId)>& visit) const override {
    for (const auto& k : queue_)
      if (!visit(std::get<2>(k))) return;
  }
  std::size_t size() const override { return queue_.size(); }
  bool blocking() const override { return blocking_; }
  bool preemption() const override { return preemption_; }

 private:
  std::set<std::tuple<std::int64_t, sim::SimTime, models::JobId>> queue_;
  bool blocking_, preemption_;
};

const bool registered = QueueRegistry::instance().add(
    {"priority",
     "Highest PriorityClass value first, then submission order (kube-scheduler PrioritySort).",
     {{"preemption", ParamKind::boolean, "true",
       "evict lower-priority pods when a job fits nowhere (DefaultPreemption)"},
      {"blocking", ParamKind::boolean, "false", "head-of-line blocking: no job overtakes the first"}},
     [](const Params& p) { return std::make_unique<PriorityQueue>(p); }});

}  // namespace
}  // namespace fleetsim::policies
