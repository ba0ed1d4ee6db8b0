#pragma once
// How a pool's GPUs are shared between pods, and what sharing does to the
// tenants of one GPU: how much compute each gets and whether memory runs out.
// Pure arithmetic; the cluster keeps the tenants (models/cluster.hpp).
//
// Modes (docs/sharing.md):
//  - time-slicing: the NVIDIA device plugin advertises each GPU `replicas` times
//    as nvidia.com/gpu; a pod asking for one GPU gets one replica. The GPU
//    switches between the contexts of its tenants: they share its compute, with
//    a context-switch overhead while more than one is active, and there is no
//    memory isolation (NVIDIA, "Time-Slicing GPUs in Kubernetes").
//  - mps: the device plugin's MPS sharing: `replicas` clients per GPU, each
//    limited to 1/replicas of the SMs (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE) and of
//    the memory (CUDA_MPS_PINNED_DEVICE_MEM_LIMIT) unless a limit is given; no
//    context switching.
//  - fractional: a GPU-share scheduler counts milli-GPUs (Alibaba's gpu_milli):
//    pods asking for a fraction take that share of one GPU, whole-GPU pods take
//    free GPUs; tenants share compute as under time-slicing, no memory isolation.
//  - mig: MIG instances (models/mig_strategy.hpp); each is isolated.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/mig_strategy.hpp"

namespace fleetsim::models {

enum class SharingMode : std::uint8_t { none, time_slicing, mps, fractional, mig };
const char* to_string(SharingMode m);

struct GpuSharing {
  SharingMode mode = SharingMode::none;
  int replicas = 1;  // time-slicing, mps: pods per GPU
  // time-slicing, fractional: share of the GPU's time lost to context switches
  // while two or more tenants are active (an assumption to set; docs/sharing.md).
  double context_switch_overhead = 0.05;
  std::int64_t mps_memory_limit_mib = 0;  // mps: per client; 0 = the GPU's memory / replicas
  MigSpec mig;                            // mode mig

  bool shares() const { return mode != SharingMode::none; }
  // Compute isolated per tenant (no neighbour changes its speed).
  bool isolated() const { return mode == SharingMode::mps || mode == SharingMode::mig; }
  // Memory isolated per tenant: a pod can only exhaust its own limit.
  bool memory_isolated() const { return isolated(); }
};

// The compute (share of one GPU's SM time) each active tenant of one GPU gets,
// given what each would use alone (`demands`, in (0, 1]: its GPU utilization on
// a whole GPU). Time-slicing and fractional: max-min fair shares of the GPU's
// capacity, 1 with one tenant and 1 - overhead with more (a tenant asking less
// than its fair share keeps what it asks; the rest is split among the others).
// MPS: each tenant gets min(demand, 1 / replicas).
std::vector<double> tenant_compute(const GpuSharing& s, std::span<const double> demands);

// Progress rate of a tenant that gets `compute` of a GPU and would use `demand`
// alone: compute / demand, at most 1.
inline double progress_rate(double compute, double demand) {
  return demand <= compute ? 1.0 : compute / demand;
}

// Kubernetes' CrashLoopBackOff: the kubelet restarts a crashed container after
// 10 s, doubling for each further crash, at most 5 min (kubelet
// backOffPeriod / MaxContainerBackOff). `crash` counts from 1.
std::int64_t crash_backoff_us(int crash);

// A Job's spec.backoffLimit default: it is failed after this many retries.
inline constexpr int kJobBackoffLimit = 6;

}  // namespace fleetsim::models
