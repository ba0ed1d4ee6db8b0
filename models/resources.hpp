#pragma once
#include <cstdint>

namespace fleetsim::models {

// What a node offers or a pod requests, in the units Kubernetes uses.
struct Resources {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t gpus = 0;  // nvidia.com/gpu: whole devices

  Resources& operator+=(const Resources& o) {
    cpu_milli += o.cpu_milli;
    memory_mib += o.memory_mib;
    gpus += o.gpus;
    return *this;
  }
  Resources& operator-=(const Resources& o) {
    cpu_milli -= o.cpu_milli;
    memory_mib -= o.memory_mib;
    gpus -= o.gpus;
    return *this;
  }
  // True when every field of `o` fits into this.
  bool covers(const Resources& o) const {
    return o.cpu_milli <= cpu_milli && o.memory_mib <= memory_mib && o.gpus <= gpus;
  }
  friend bool operator==(const Resources&, const Resources&) = default;
};

inline Resources operator+(Resources a, const Resources& b) { return a += b; }
inline Resources operator-(Resources a, const Resources& b) { return a -= b; }

}  // namespace fleetsim::models
