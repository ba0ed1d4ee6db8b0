#pragma once
// The response-time distribution of every request a service served in a run,
// as a mixture kept exactly enough to give means, percentiles and SLO
// attainment without one record per request:
// - requests served straight away (the service's fluid queue empty) see one
//   replica's queueing model at the per-replica arrival rate of the moment:
//   one mixture component per distinct rate, weighted by the requests served;
// - requests that waited in the service's queue (overload, a cold start, zero
//   replicas) waited a known time, linear across each fluid phase, and then took
//   one service time; they go into a fine log-spaced histogram.
// Bursty arrivals scale the queueing wait by Kingman's factor
// (ca^2 + cs^2) / (1 + cs^2) relative to the Poisson case (G/G/1 heavy-traffic
// approximation; Kingman 1961), so Poisson arrivals keep the exact M/M/1 and
// M/D/1 laws. The per-replica utilization is capped at 0.99: at and beyond a
// replica's capacity the fluid queue carries the waiting.
#include <map>
#include <optional>
#include <vector>

#include "models/serving/batching.hpp"
#include "models/serving/fluid_queue.hpp"

namespace fleetsim::models::serving {

struct ReplicaModel {
  enum class Kind { mm1, md1, batching };
  Kind kind = Kind::md1;
  double service_s = 0.1;           // mm1: mean service time; md1: the fixed one
  std::optional<BatchCurve> batch;  // batching: throughput (requests/s) against batch size

  double capacity() const;  // requests/s one replica completes at full load
  // Response time (no queueing) of a request at per-replica arrival rate
  // lambda_r: batching, one step at the batch that carries it; otherwise the
  // service time.
  double service_time(double lambda_r) const;
};

class LatencyMix final : public QueuedWaits {
 public:
  explicit LatencyMix(ReplicaModel model, double arrival_scv = 1);
  // `count` requests served without waiting in the service's queue while each
  // replica received lambda_r requests/s.
  void add_direct(double lambda_r, double count);
  // `amount` requests that waited uniformly between w0 and w1 seconds in the
  // service's queue, then took a saturated replica's service time.
  void add_queued(double amount, double w0, double w1) override;

  double count() const { return direct_total_ + queued_total_; }
  double mean() const;  // seconds; 0 when nothing was served
  double cdf(double t) const;  // share of served requests with response <= t
  double quantile(double p) const;  // smallest t with cdf(t) >= p (0 when empty)
  // Mean response at per-replica rate lambda_r with no service queue (what an
  // autoscaler's latency metric reads).
  double direct_mean(double lambda_r) const;

 private:
  double rho(double lambda_r) const;
  double direct_cdf(double lambda_r, double t) const;
  double kingman() const;

  ReplicaModel model_;
  double scv_;
  std::map<double, double> direct_;  // per-replica rate -> requests
  double direct_total_ = 0, direct_sum_ = 0;
  std::vector<double> bins_;  // queued requests by response time, log-spaced
  double queued_total_ = 0, queued_sum_ = 0;
};

}  // namespace fleetsim::models::serving
