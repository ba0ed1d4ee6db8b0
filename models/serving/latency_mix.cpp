#include "models/serving/latency_mix.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/serving/queueing.hpp"

namespace fleetsim::models::serving {
namespace {

// Queued responses: bin 0 is [0, 1e-4 s), then 50 bins per decade up to 1e6 s
// (edges 4.7% apart); the last bin takes everything longer.
constexpr double kFirstEdge = 1e-4;
constexpr int kPerDecade = 50;
constexpr int kBins = 10 * kPerDecade + 1;
constexpr double kMaxRho = 0.99;

double edge(int i) { return i <= 0 ? 0.0 : kFirstEdge * std::pow(10.0, (i - 1) / static_cast<double>(kPerDecade)); }
int bin_of(double t) {
  if (t < kFirstEdge) return 0;
  const int i = 1 + static_cast<int>(std::floor(std::log10(t / kFirstEdge) * kPerDecade));
  return std::clamp(i, 1, kBins - 1);
}

// P(X + Y <= t) for independent exponentials of rates a and b.
double hypoexponential_cdf(double a, double b, double t) {
  if (std::abs(a - b) <= 1e-12 * std::max(a, b)) return 1 - std::exp(-a * t) * (1 + a * t);
  return 1 - (b * std::exp(-a * t) - a * std::exp(-b * t)) / (b - a);
}

}  // namespace

double ReplicaModel::capacity() const { return kind == Kind::batching ? batch->capacity() : 1.0 / service_s; }

double ReplicaModel::service_time(double lambda_r) const {
  if (kind != Kind::batching) return service_s;
  const auto b = batch->batch_for(std::max(lambda_r, 0.0));
  return batch->step_time(b ? std::max(*b, 1.0) : batch->max_batch());
}

LatencyMix::LatencyMix(ReplicaModel model, double arrival_scv)
    : model_(std::move(model)), scv_(arrival_scv), bins_(kBins, 0.0) {
  if (!(scv_ > 0)) throw std::invalid_argument("latency mix: the arrivals' squared coefficient of variation must be > 0");
}

double LatencyMix::kingman() const {
  // (ca^2 + cs^2) / (1 + cs^2): cs^2 = 1 for exponential service, 0 for fixed.
  return model_.kind == ReplicaModel::Kind::mm1 ? (scv_ + 1) / 2 : scv_;
}

double LatencyMix::rho(double lambda_r) const { return std::min(lambda_r / model_.capacity(), kMaxRho); }

void LatencyMix::add_direct(double lambda_r, double count) {
  if (!(count > 0)) return;
  direct_[lambda_r] += count;
  direct_total_ += count;
  direct_sum_ += count * direct_mean(lambda_r);
}

double LatencyMix::direct_mean(double lambda_r) const {
  const double r = rho(lambda_r);
  switch (model_.kind) {
    case ReplicaModel::Kind::mm1: return model_.service_s * (1 + kingman() * r / (1 - r));
    case ReplicaModel::Kind::md1: return model_.service_s * (1 + kingman() * r / (2 * (1 - r)));
    case ReplicaModel::Kind::batching: return model_.service_time(lambda_r);
  }
  return 0;
}

double LatencyMix::direct_cdf(double lambda_r, double t) const {
  if (t <= 0) return 0;
  const double r = rho(lambda_r), k = kingman();
  switch (model_.kind) {
    case ReplicaModel::Kind::mm1: {
      // Wq is 0 with probability 1 - rho, else exponential with rate mu - lambda
      // (M/M/1); scaled by k its rate is (mu - lambda) / k.
      const double mu = 1 / model_.service_s;
      return (1 - r) * (1 - std::exp(-mu * t)) + r * hypoexponential_cdf(mu, mu * (1 - r) / k, t);
    }
    case ReplicaModel::Kind::md1: {
      const double d = model_.service_s;
      return t < d ? 0.0 : MD1(r / d, d).wait_cdf((t - d) / k);
    }
    case ReplicaModel::Kind::batching: return t >= model_.service_time(lambda_r) ? 1.0 : 0.0;
  }
  return 0;
}

void LatencyMix::add_queued(double amount, double w0, double w1) {
  if (!(amount > 0)) return;
  const double s = model_.service_time(model_.capacity());
  const double a = std::min(w0, w1) + s, b = std::max(w0, w1) + s;
  queued_total_ += amount;
  queued_sum_ += amount * (a + b) / 2;
  if (b - a <= 1e-12 * b) {
    bins_[static_cast<std::size_t>(bin_of(a))] += amount;
    return;
  }
  for (int i = bin_of(a), last = bin_of(b); i <= last; ++i) {
    const double lo = std::max(a, edge(i)), hi = i == kBins - 1 ? b : std::min(b, edge(i + 1));
    if (hi > lo) bins_[static_cast<std::size_t>(i)] += amount * (hi - lo) / (b - a);
  }
}

double LatencyMix::mean() const {
  const double n = count();
  return n > 0 ? (direct_sum_ + queued_sum_) / n : 0.0;
}

double LatencyMix::cdf(double t) const {
  const double n = count();
  if (n <= 0) return 0;
  double below = 0;
  for (const auto& [lambda_r, w] : direct_) below += w * direct_cdf(lambda_r, t);
  if (queued_total_ > 0 && t > 0) {
    const int k = bin_of(t);
    for (int i = 0; i < k; ++i) below += bins_[static_cast<std::size_t>(i)];
    // Linear within the bin holding t (the last bin has no upper edge: counted whole).
    const double lo = edge(k), hi = k == kBins - 1 ? t : edge(k + 1);
    below += bins_[static_cast<std::size_t>(k)] * (hi > lo ? (t - lo) / (hi - lo) : 1.0);
  }
  return std::min(1.0, below / n);
}

double LatencyMix::quantile(double p) const {
  if (count() <= 0) return 0;
  return quantile_by_bisection([this](double t) { return cdf(t); }, std::min(p, 0.999999),
                               std::max(mean(), 1e-3));
}

}  // namespace fleetsim::models::serving
