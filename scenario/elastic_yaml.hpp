#pragma once
// A workload source's `elastic:` block (PyTorchJob elasticPolicy):
//   elastic: {min_replicas: 2, max_replicas: 4, max_restarts: 3, scaling: linear, rescale_pause: 30s}
// with scaling `linear`, `{amdahl: 0.9}` or `{table: [[1, 1.0], [2, 1.8], [4, 3.2]]}`.
// Throws InputError naming file, line and field.
#include "models/elastic.hpp"
#include "scenario/yaml_fields.hpp"

namespace fleetsim::scenario {

// `source` is the workload source's mapping; it must have an `elastic` key.
models::ElasticSpec parse_elastic(const Fields& source);

}  // namespace fleetsim::scenario
