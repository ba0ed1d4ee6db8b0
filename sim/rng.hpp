#pragma once
// Named random streams. Each component draws from its own stream, seeded from a
// stable hash of its name and the master seed, so adding a component never shifts
// another's numbers and policies compared side by side see identical arrivals.
// The engine is Boost's mt19937_64 (a specified algorithm); distributions are
// written here by inversion so results do not depend on a standard library.
#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <string_view>

namespace fleetsim::sim {

std::uint64_t stable_hash(std::string_view text);  // FNV-1a 64
std::uint64_t splitmix64(std::uint64_t x);

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform integer in [0, n), unbiased (rejection).
  std::uint64_t below(std::uint64_t n);
  double exponential(double mean);
  double normal();  // standard normal, Box-Muller (one value per call)
  double lognormal(double mu, double sigma);
  bool bernoulli(double p) { return uniform01() < p; }

 private:
  boost::random::mt19937_64 engine_;
};

class RngStreams {
 public:
  explicit RngStreams(std::uint64_t master_seed) : master_(master_seed) {}
  Rng stream(std::string_view name) const {
    return Rng(splitmix64(master_ ^ splitmix64(stable_hash(name))));
  }
  std::uint64_t master_seed() const { return master_; }

 private:
  std::uint64_t master_;
};

}  // namespace fleetsim::sim
