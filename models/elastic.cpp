#include "models/elastic.hpp"

#include <stdexcept>

#include "models/job.hpp"

namespace fleetsim::models {

double ElasticPolicy::rate(int workers) const {
  if (workers >= max_replicas) return 1.0;
  return scaling.speedup(workers) / scaling.speedup(max_replicas);
}

ElasticPolicy ElasticSpec::resolve(int workers) const {
  ElasticPolicy p;
  p.max_restarts = max_restarts;
  p.scaling = scaling;
  p.rescale_pause = rescale_pause;
  p.min_replicas = min_replicas.value_or(max_replicas.value_or(workers));
  p.max_replicas = max_replicas.value_or(min_replicas.value_or(workers));
  if (p.min_replicas < 1 || p.min_replicas > p.max_replicas || p.max_restarts < 0)
    throw std::invalid_argument("elastic policy needs 1 <= min_replicas <= max_replicas and max_restarts >= 0");
  return p;
}

void make_elastic(Job& job, const ElasticSpec& spec) {
  if (job.pods.empty()) throw std::invalid_argument("an elastic job needs a worker pod");
  job.elastic = spec.resolve(static_cast<int>(job.pods.size()));
  job.pods.resize(static_cast<std::size_t>(job.elastic->max_replicas), job.pods.front());
}

}  // namespace fleetsim::models
