// fifo: pending jobs in submission order. By default a job that does not fit is
// skipped and later jobs may start (kube-scheduler's behaviour); with
// `blocking: true` the head of the queue holds everyone back.
#include <set>
#include <utility>

#include "policies/queueing/queue_policy.hpp"

namespace fleetsim::policies {
namespace {

class Fifo final : public QueuePolicy {
 public:
  explicit Fifo(const Params& p) : blocking_(p.boolean("blocking")) {}
  void add(const models::Job& j) override { queue_.emplace(j.submit, j.id); }
  void remove(const models::Job& j) override { queue_.erase({j.submit, j.id}); }
  void for_each(const std::function<bool(models::JobId)>& visit) const override {
    for (const auto& [t, id] : queue_)
      if (!visit(id)) return;
  }
  std::size_t size() const override { return queue_.size(); }
  bool blocking() const override { return blocking_; }
  bool preemption() const override { return false; }

 private:
  std::set<std::pair<sim::SimTime, models::JobId>> queue_;
  bool blocking_;
};

const bool registered = QueueRegistry::instance().add(
    {"fifo",
     "Submission order. Jobs that do not fit are skipped unless blocking is set.",
     {{"blocking", ParamKind::boolean, "false", "head-of-line blocking: no job overtakes the oldest"}},
     [](const Params& p) { return std::make_unique<Fifo>(p); }});

}  // namespace
}  // namespace fleetsim::policies
