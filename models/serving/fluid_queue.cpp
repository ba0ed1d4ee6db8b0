// The fluid queue advances phase by phase: within a phase every rate is
// constant (arrivals admitted, served, timed out, dropped), so each counter
// grows linearly and the phase ends at the first of: the interval's end, the
// head cohort running out, the head's age reaching the timeout (from then on
// timeouts peel the front at the head's arrival density), or the queue filling.
#include "models/serving/fluid_queue.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fleetsim::models::serving {
namespace {

// Arrival times are compared with a relative tolerance: a month is 2.6e6 s and
// doubles there resolve about 5e-10 s, so 1e-15 relative is a few ulps.
double time_eps(double t) { return 1e-15 * std::max(1.0, std::abs(t)); }

}  // namespace

RequestCounts& RequestCounts::operator+=(const RequestCounts& o) {
  arrived += o.arrived;
  served += o.served;
  served_direct += o.served_direct;
  dropped += o.dropped;
  timed_out += o.timed_out;
  wait_sum_s += o.wait_sum_s;
  queued_end = o.queued_end;  // queued_start stays: the first interval's
  return *this;
}

double FluidQueue::queued() const {
  double q = 0;
  for (const auto& c : queue_) q += c.amount();
  return q;
}

double FluidQueue::oldest_wait_s() const { return queue_.empty() ? 0.0 : now_ - queue_.front().head; }

RequestCounts FluidQueue::advance(sim::SimTime until, double rate, const FluidService& service,
                                  QueuedWaits* waits) {
  const RatePiece piece{sim::from_seconds(now_), rate};
  return advance(until, std::span(&piece, 1), service, waits);
}

RequestCounts FluidQueue::advance(sim::SimTime until, std::span<const RatePiece> pieces,
                                  const FluidService& service, QueuedWaits* waits) {
  const double end = sim::to_seconds(until);
  if (end < now_) throw std::invalid_argument("fluid queue: cannot go back in time");
  if (service.replicas < 0 || !(service.per_replica_rate >= 0) || !(service.queue_cap >= 0) ||
      !(service.timeout_s >= 0))
    throw std::invalid_argument("fluid queue: replicas, rate, queue cap and timeout must be >= 0");
  if (pieces.empty() || sim::to_seconds(pieces.front().start) > now_ + time_eps(now_))
    throw std::invalid_argument("fluid queue: the first rate piece must start at or before now");
  RequestCounts c;
  c.queued_start = queued();
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (!(pieces[i].rate >= 0) || !std::isfinite(pieces[i].rate))
      throw std::invalid_argument("fluid queue: arrival rates must be finite and >= 0");
    if (i > 0 && pieces[i].start <= pieces[i - 1].start)
      throw std::invalid_argument("fluid queue: rate pieces must start at increasing times");
    const double piece_end = i + 1 < pieces.size() ? std::min(end, sim::to_seconds(pieces[i + 1].start)) : end;
    if (piece_end > now_) run(piece_end, pieces[i].rate, service, c, waits);
  }
  c.queued_end = queued();
  return c;
}

// Requests that arrived before `cutoff` have waited longer than the timeout:
// they leave at once. This happens when a call starts with a shorter timeout
// (or fewer replicas) than the queue was built under; within a call the front
// is pinned at the cutoff instead.
void FluidQueue::expire(double cutoff, RequestCounts& c) {
  while (!queue_.empty() && queue_.front().head < cutoff) {
    Cohort& f = queue_.front();
    const double until = std::min(f.tail, cutoff);
    c.timed_out += f.density * (until - f.head);
    f.head = until;
    if (f.head >= f.tail && !(live_ && queue_.size() == 1)) queue_.pop_front();
    else break;
  }
}

void FluidQueue::run(double until, double lambda, const FluidService& s, RequestCounts& c, QueuedWaits* waits) {
  const double mu = s.replicas * s.per_replica_rate;  // total service rate
  const double tau = s.timeout_s, cap = s.queue_cap;
  // The back cohort keeps growing if arrivals continue at its density.
  live_ = !queue_.empty() && queue_.back().tail == now_;
  for (long guard = 0; now_ < until; ++guard) {
    if (guard > 10'000'000) throw std::logic_error("fluid queue: no progress");
    const double eps = time_eps(now_);
    expire(now_ - tau, c);
    while (!queue_.empty() && queue_.front().tail - queue_.front().head <= eps &&
           !(live_ && queue_.size() == 1))
      queue_.pop_front();
    if (queue_.empty() || (live_ && queue_.size() == 1 && queue_.front().amount() <= 0)) {
      queue_.clear();
      live_ = false;
      if (lambda <= mu || cap <= 0) {  // nothing queues: arrivals beyond mu are dropped
        const double dt = until - now_;
        const double served = std::min(lambda, mu);
        c.arrived += lambda * dt;
        c.served += served * dt;
        c.served_direct += served * dt;
        c.dropped += (lambda - served) * dt;
        now_ = until;
        break;
      }
      queue_.push_back({now_, now_, lambda});  // lambda > mu: the queue starts to grow
      live_ = true;
    }

    Cohort& front = queue_.front();  // stays valid: deque::push_back keeps references
    const double r = front.density;
    const bool pinned = std::isfinite(tau) && front.head <= now_ - tau + eps && r > mu;
    const double v = pinned ? 1.0 : mu / r;  // speed of the front through arrival times
    const double outflow = pinned ? r : mu;  // served + timed out per second
    const double q = queued();
    // Full within a billionth of a request: a relative test alone would let
    // rounding leave q a hair below cap and the fill event repeat forever.
    const bool full = std::isfinite(cap) && cap - q <= 1e-9 * std::max(1.0, cap);
    const double admitted = full ? std::min(lambda, outflow) : lambda;
    if (!(live_ && queue_.back().density == admitted)) {
      live_ = admitted > 0;
      if (live_) queue_.push_back({now_, now_, admitted});
    }
    const bool front_live = live_ && queue_.size() == 1;

    double dt = until - now_;
    const double closing = v - (front_live ? 1.0 : 0.0);
    if (closing > 0) dt = std::min(dt, (front.tail - front.head) / closing);
    if (!pinned && std::isfinite(tau) && v < 1) dt = std::min(dt, std::max(0.0, front.head - (now_ - tau)) / (1 - v));
    const double net = admitted - outflow;
    if (!full && std::isfinite(cap) && net > 0) dt = std::min(dt, (cap - q) / net);
    dt = std::max(dt, 0.0);

    c.arrived += lambda * dt;
    c.dropped += (lambda - admitted) * dt;
    c.served += mu * dt;
    c.timed_out += (outflow - mu) * dt;
    // Served fluid at time u waited u - head(u), with head(u) moving at speed v.
    c.wait_sum_s += mu * ((now_ - front.head) * dt + (1 - v) * dt * dt / 2);
    if (waits && mu * dt > 0) waits->add_queued(mu * dt, now_ - front.head, now_ - front.head + (1 - v) * dt);
    const bool to_end = dt >= until - now_;
    const double next = to_end ? until : now_ + dt;
    front.head = pinned ? next - tau : front.head + v * dt;
    if (live_) queue_.back().tail = next;
    front.head = std::min(front.head, front.tail);
    now_ = next;
  }
}

}  // namespace fleetsim::models::serving
