#pragma once
// A pool's GPU sharing: `sharing: {mode: time-slicing, replicas: 4}`, or MIG:
// `sharing: {mode: mig, strategy: mixed, layout: [3g.20gb, 2g.10gb, 1g.5gb, 1g.5gb]}`.
#include "models/gpu_sharing.hpp"
#include "models/instance_catalog.hpp"
#include "scenario/yaml_fields.hpp"

namespace fleetsim::scenario {

// Reads the pool's `sharing:` block; mode none without one. Throws InputError naming file, line and field.
models::GpuSharing parse_pool_sharing(const Fields& pool, const models::InstanceType& type);

}  // namespace fleetsim::scenario
