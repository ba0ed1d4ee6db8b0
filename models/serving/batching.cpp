#include "models/serving/batching.hpp"

#include <stdexcept>
#include <string>

namespace fleetsim::models::serving {

BatchCurve BatchCurve::linear_step(double base_s, double per_item_s, int max_batch) {
  if (!(base_s >= 0) || !(per_item_s >= 0) || base_s + per_item_s <= 0 || max_batch < 1)
    throw std::invalid_argument("batching: need base_s, per_item_s >= 0 (not both 0) and max_batch >= 1");
  std::vector<std::pair<int, double>> pts;
  for (int b = 1; b <= max_batch; ++b) pts.emplace_back(b, b / (base_s + per_item_s * b));
  return BatchCurve(std::move(pts));
}

BatchCurve::BatchCurve(std::vector<std::pair<int, double>> points) : points_(std::move(points)) {
  if (points_.empty() || points_.front().first != 1)
    throw std::invalid_argument("batching: the table must start at batch 1");
  for (std::size_t i = 0; i < points_.size(); ++i) {
    if (!(points_[i].second > 0)) throw std::invalid_argument("batching: throughput must be > 0");
    if (i > 0 && (points_[i].first <= points_[i - 1].first || points_[i].second < points_[i - 1].second))
      throw std::invalid_argument("batching: batches must increase and throughput must not fall (at batch " +
                                  std::to_string(points_[i].first) + ")");
  }
}

double BatchCurve::throughput(double b) const {
  if (b <= points_.front().first) return points_.front().second;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto [b1, x1] = points_[i];
    if (b <= b1) {
      const auto [b0, x0] = points_[i - 1];
      return x0 + (x1 - x0) * (b - b0) / (b1 - b0);
    }
  }
  return capacity();
}

std::optional<double> BatchCurve::batch_for(double rate) const {
  if (rate > capacity()) return std::nullopt;
  if (rate <= points_.front().second) return 1.0;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto [b1, x1] = points_[i];
    if (rate <= x1) {
      const auto [b0, x0] = points_[i - 1];
      return x1 == x0 ? b0 : b0 + (b1 - b0) * (rate - x0) / (x1 - x0);
    }
  }
  return max_batch();
}

}  // namespace fleetsim::models::serving
