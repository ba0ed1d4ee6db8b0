#pragma once
// Throughput of a batching inference server as a function of batch size. A
// replica runs batches; one step with b requests (or sequences) in flight takes
//   step(b) = base_s + per_item_s * b,
// so it completes b / step(b) per second: nearly linear while the fixed cost
// (weights read from memory, kernel launches) dominates, saturating toward
// 1 / per_item_s as compute takes over. That is the shape measured for GPU
// inference (e.g. the vLLM and Orca papers' throughput-versus-batch plots), kept
// to two parameters. Units are whatever a step produces: requests, or tokens for
// an LLM decoder (then divide by tokens per request for requests per second).
// A measured table can replace the curve: points (batch, throughput), linear in
// between.
#include <optional>
#include <utility>
#include <vector>

namespace fleetsim::models::serving {

class BatchCurve {
 public:
  // The two-parameter curve, sampled at every batch size 1..max_batch.
  static BatchCurve linear_step(double base_s, double per_item_s, int max_batch);
  // Measured points (batch, throughput per second), batches increasing from 1,
  // throughput non-decreasing; throws std::invalid_argument otherwise.
  explicit BatchCurve(std::vector<std::pair<int, double>> points);

  int max_batch() const { return points_.back().first; }
  // Throughput at batch b (1 <= b <= max_batch), linear between points.
  double throughput(double b) const;
  // The replica's capacity: throughput at the maximum batch.
  double capacity() const { return points_.back().second; }
  // The smallest batch whose throughput carries `rate`; nullopt when rate exceeds
  // capacity (overload: the replica cannot keep up at any batch size).
  std::optional<double> batch_for(double rate) const;
  // Time one batch step takes at batch b: b / throughput(b). At the operating
  // batch this is the latency a request sees in service (queueing aside).
  double step_time(double b) const { return b / throughput(b); }

 private:
  std::vector<std::pair<int, double>> points_;
};

}  // namespace fleetsim::models::serving
