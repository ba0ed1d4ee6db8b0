#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "policies/queueing/queue_policy.hpp"

namespace fleetsim::policies {
namespace {

using models::Job;
using models::JobId;

std::unique_ptr<QueuePolicy> make(const std::string& name, std::map<std::string, std::string> values = {}) {
  const auto* e = QueueRegistry::instance().find(name);
  if (!e) throw std::runtime_error("no queue policy " + name);
  return e->make(Params(e->params, values));
}

Job job(JobId id, sim::SimTime submit, std::int32_t priority = 0) {
  Job j;
  j.id = id;
  j.submit = submit;
  j.priority = priority;
  return j;
}

std::vector<JobId> order(const QueuePolicy& q) {
  std::vector<JobId> out;
  q.for_each([&](JobId id) {
    out.push_back(id);
    return true;
  });
  return out;
}

TEST(Fifo, OrderBySubmitThenId) {
  auto q = make("fifo");
  q->add(job(5, 300));
  q->add(job(9, 100));
  q->add(job(2, 200));
  q->add(job(7, 100));  // same submit as 9: lower id first
  q->add(job(1, 200, 1000));  // priority is ignored by fifo
  EXPECT_EQ(order(*q), (std::vector<JobId>{7, 9, 1, 2, 5}));
  EXPECT_EQ(q->size(), 5u);
}

TEST(Fifo, RemoveAndReAdd) {
  auto q = make("fifo");
  std::vector<Job> jobs = {job(0, 10), job(1, 20), job(2, 30)};
  for (const auto& j : jobs) q->add(j);
  q->remove(jobs[1]);
  EXPECT_EQ(order(*q), (std::vector<JobId>{0, 2}));
  EXPECT_EQ(q->size(), 2u);
  // A preempted job comes back in its original place (by submit time).
  q->add(jobs[1]);
  EXPECT_EQ(order(*q), (std::vector<JobId>{0, 1, 2}));
  // Removing what is not queued changes nothing.
  q->remove(job(42, 5));
  EXPECT_EQ(q->size(), 3u);
}

TEST(Fifo, VisitStopsWhenAsked) {
  auto q = make("fifo");
  for (JobId i = 0; i < 5; ++i) q->add(job(i, i));
  std::vector<JobId> seen;
  q->for_each([&](JobId id) {
    seen.push_back(id);
    return id < 2;
  });
  EXPECT_EQ(seen, (std::vector<JobId>{0, 1, 2}));
}

TEST(Fifo, ParamsBlockingAndNoPreemption) {
  EXPECT_FALSE(make("fifo")->blocking());
  EXPECT_TRUE(make("fifo", {{"blocking", "true"}})->blocking());
  EXPECT_FALSE(make("fifo")->preemption());
  EXPECT_FALSE(make("fifo", {{"blocking", "true"}})->preemption());
}

TEST(Priority, OrderByPriorityDescThenSubmit) {
  auto q = make("priority");
  q->add(job(1, 100, 0));
  q->add(job(2, 50, 10));
  q->add(job(3, 10, -5));
  q->add(job(4, 200, 10));
  q->add(job(5, 0, 0));
  q->add(job(6, 50, 2'000'000'000));  // system-cluster-critical
  q->add(job(7, 50, 10));             // same priority and submit as 2: id breaks the tie
  EXPECT_EQ(order(*q), (std::vector<JobId>{6, 2, 7, 4, 5, 1, 3}));
}

TEST(Priority, ExtremePrioritiesDoNotOverflow) {
  auto q = make("priority");
  q->add(job(1, 0, std::numeric_limits<std::int32_t>::min()));
  q->add(job(2, 0, std::numeric_limits<std::int32_t>::max()));
  q->add(job(3, 0, 0));
  EXPECT_EQ(order(*q), (std::vector<JobId>{2, 3, 1}));
}

TEST(Priority, Remove) {
  auto q = make("priority");
  std::vector<Job> jobs = {job(0, 0, 5), job(1, 0, 7), job(2, 0, 6)};
  for (const auto& j : jobs) q->add(j);
  q->remove(jobs[1]);
  EXPECT_EQ(order(*q), (std::vector<JobId>{2, 0}));
  EXPECT_EQ(q->size(), 2u);
  q->remove(jobs[0]);
  q->remove(jobs[2]);
  EXPECT_EQ(q->size(), 0u);
  EXPECT_TRUE(order(*q).empty());
}

TEST(Priority, ParamDefaults) {
  auto q = make("priority");
  EXPECT_TRUE(q->preemption());  // Kubernetes default: PreemptLowerPriority
  EXPECT_FALSE(q->blocking());
  EXPECT_FALSE(make("priority", {{"preemption", "false"}})->preemption());
  EXPECT_TRUE(make("priority", {{"blocking", "true"}})->blocking());
  const auto* e = QueueRegistry::instance().find("priority");
  ASSERT_NE(e, nullptr);
  bool found = false;
  for (const auto& p : e->params)
    if (p.name == "preemption") {
      found = true;
      EXPECT_EQ(p.default_value, "true");
      EXPECT_EQ(p.kind, ParamKind::boolean);
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace fleetsim::policies
