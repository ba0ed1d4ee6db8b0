#pragma once
// The order in which pending jobs are offered to placement.
#include <cstddef>
#include <functional>

#include "models/job.hpp"
#include "util/registry.hpp"

namespace fleetsim::policies {

class QueuePolicy {
 public:
  virtual ~QueuePolicy() = default;
  // A job arrives, or returns after its pods were preempted.
  virtual void add(const models::Job& job) = 0;
  virtual void remove(const models::Job& job) = 0;
  // Visits pending jobs in order until `visit` returns false.
  virtual void for_each(const std::function<bool(models::JobId)>& visit) const = 0;
  virtual std::size_t size() const = 0;
  // Head-of-line blocking: a job that cannot be placed stops the cycle, so no
  // later job overtakes it (batch-scheduler style). kube-scheduler does not block.
  virtual bool blocking() const = 0;
  // Whether a job that fits nowhere may evict lower-priority pods.
  virtual bool preemption() const = 0;
};

using QueueRegistry = Registry<QueuePolicy>;

}  // namespace fleetsim::policies
