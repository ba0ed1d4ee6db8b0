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

// A node's free capacity as a packing simulation changes it: resources and pod
// slots left, taken and given back as pods are placed and moved.
struct FreeCapacity {
  models::Resources free;
  int pods_free = 0;
  // Cluster::fits without the node-state check.
  bool fits(const models::InstanceType& t, const SimPod& p) const {
    return pods_free > 0 && free.covers(p.need) && accepts(t, p);
  }
  void take(const SimPod& p) {
    free -= p.need;
    --pods_free;
  }
  void give_back(const SimPod& p) {
    free += p.need;
    ++pods_free;
  }
};

}  // namespace fleetsim::policies
