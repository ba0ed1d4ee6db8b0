#pragma once
// Aggregate request accounting for one service: requests as a fluid, so a month
// of traffic at hundreds of requests per second costs a few operations per rate
// change instead of one event per request.
//
// The service's replicas drain one FIFO queue (the load balancer spreads evenly,
// so n per-replica queues drain like one at n times the rate) at
// replicas x per_replica_rate; arrivals find the queue at queue_cap and are
// dropped; a queued request that has waited timeout_s leaves (timed out).
// Between calls the queue keeps its content with arrival times, so requests
// queued at zero replicas are served when replicas appear, or time out.
//
// What is exact and what is not (docs/serving.md):
// - Exact for the fluid limit of the system: deterministic arrivals at the given
//   piecewise-constant rates, service at a constant total rate, FIFO with
//   abandonment at exactly timeout_s. The fluid queue's content, drops, timeouts
//   and the waits of served fluid are computed in closed form per phase.
// - Not modelled: random (Poisson) fluctuations. Below capacity the fluid queue
//   is empty, while a real queue waits a little; that waiting comes from the
//   per-replica queueing models (queueing.hpp), applied to the served rate.
//   Near capacity and in overload the fluid is the right first-order picture.
// - Conservation holds by construction: arrived = served + dropped + timed_out +
//   (queued_end - queued_start), up to floating-point rounding.
// Cost: a few phases per call, each linear in the number of cohorts queued (one
// per distinct arrival rate still waiting), so short queues cost next to nothing.
#include <deque>
#include <limits>
#include <span>

#include "sim/time.hpp"

namespace fleetsim::models::serving {

struct FluidService {
  int replicas = 0;
  double per_replica_rate = 0;  // requests/s one replica completes at full load
  double queue_cap = std::numeric_limits<double>::infinity();  // requests, all replicas together
  double timeout_s = std::numeric_limits<double>::infinity();  // longest a request waits in queue
};

// One piece of a piecewise-constant arrival rate: `rate` requests/s from `start`
// until the next piece's start (or the end of the interval).
struct RatePiece {
  sim::SimTime start = 0;
  double rate = 0;
};

struct RequestCounts {
  double arrived = 0, served = 0, dropped = 0, timed_out = 0;
  double served_direct = 0;  // of served: without waiting in the queue
  double queued_start = 0, queued_end = 0;
  // Sum over served requests of their time in queue (request-seconds): divided
  // by `served`, the mean fluid wait.
  double wait_sum_s = 0;
  double queued_delta() const { return queued_end - queued_start; }
  RequestCounts& operator+=(const RequestCounts& o);
};

// Receives the served requests that waited: `amount` of them, with waits spread
// uniformly from w0 to w1 seconds (the wait is linear in time within a phase).
class QueuedWaits {
 public:
  virtual ~QueuedWaits() = default;
  virtual void add_queued(double amount, double w0, double w1) = 0;
};

class FluidQueue {
 public:
  explicit FluidQueue(sim::SimTime start = 0) : now_(sim::to_seconds(start)) {}
  // Advances to `until` with the arrival rate given by `pieces` (starts
  // increasing; the first at or before now; a piece starting at or after `until`
  // is ignored) and a service that stays the same meanwhile. Throws
  // std::invalid_argument on bad input (negative rates, unordered pieces).
  // `waits`, when given, hears of every served request that waited.
  RequestCounts advance(sim::SimTime until, std::span<const RatePiece> pieces, const FluidService& service,
                        QueuedWaits* waits = nullptr);
  // The same for one constant rate.
  RequestCounts advance(sim::SimTime until, double rate, const FluidService& service, QueuedWaits* waits = nullptr);
  double queued() const;
  // How long the oldest queued request has waited (0 when empty).
  double oldest_wait_s() const;

 private:
  // Requests that arrived uniformly at `density` per second over arrival times
  // [head, tail); the queue's front is consumed by advancing `head`.
  struct Cohort {
    double head, tail, density;
    double amount() const { return density * (tail - head); }
  };
  void run(double until, double rate, const FluidService& s, RequestCounts& c, QueuedWaits* waits);
  void expire(double cutoff, RequestCounts& c);

  double now_;
  std::deque<Cohort> queue_;
  bool live_ = false;  // the back cohort is still receiving arrivals
};

}  // namespace fleetsim::models::serving
