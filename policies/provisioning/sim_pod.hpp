#pragma once
// A pod as provisioners' packing simulations see it: its requests, and its spec
// for the GPU constraints (null when only requests are known).
#include "models/cluster.hpp"

namespace fleetsim::policies {

struct SimPod {
  models::Resources need;
  const models::PodSpec* spec = nullptr;
};

inline SimPod sim_pod(const models::PodSpec& p) { return {{p.cpu_milli, p.memory_mib, p.whole_gpus()}, &p}; }

// Whether a node of type `t` meets the pod's GPU constraints (Cluster::fits' rule).
inline bool accepts(const models::InstanceType& t, const SimPod& p) {
  return !p.spec || models::meets_gpu_constraints(*p.spec, t);
}

}  // namespace fleetsim::policies
