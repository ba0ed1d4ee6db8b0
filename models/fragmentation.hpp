#pragma once
// GPU fragmentation with respect to a target workload, as defined by Weng et al.,
// "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation
// Gradient Descent", USENIX ATC'23, and computed by the paper's artifact
// (hkust-adsl/kubernetes-scheduler-simulator, pkg/utils/frag.go).
//
// The target workload is the "typical pods": the most frequent pod shapes
// (CPU, GPUs, GPU share, GPU model) of the pod list, taken in decreasing
// frequency until they cover 95% of the pods, with weights renormalised to sum
// to 1 (GetTypicalPods with the experiment's settings isInvolvedCpuPods=true,
// podPopularityThreshold=95, podIncreaseStep=1, gpuResWeight=0).
//
// A node's fragmentation is the expected amount of its free GPU share that a
// pod drawn from the typical pods could not use (NodeGpuShareFragAmount, summed
// over all categories but Q3 "satisfied"):
//   F(node) = sum_m w_m * f_m(node), where f_m(node) is
//   - all the node's free GPU milli if pod m cannot run there: it wants no GPU
//     (the paper counts every free GPU as a fragment for a CPU-only task), the
//     node's GPU model is not accepted, the node lacks CPU, or fewer than
//     num_gpus GPUs have gpu_milli free;
//   - otherwise the free milli of the GPUs with less than gpu_milli free.
// The cluster's fragmentation is the sum over nodes; its fragmentation ratio is
// that sum over the cluster's free GPU milli.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/gpu_share.hpp"

namespace fleetsim::models {

struct TypicalPod {
  std::int64_t cpu_milli = 0;
  std::int32_t num_gpus = 0;
  std::int32_t gpu_milli = 0;  // per GPU; 0 for a CPU-only shape
  std::string gpu_spec;
  std::int64_t count = 0;  // pods of this shape in the list
  double weight = 0;       // its share among the typical pods (weights sum to 1)
};

struct TypicalPodOptions {
  double popularity = 0.95;      // cover at least this share of the pods
  bool include_cpu_pods = true;  // CPU-only pods are part of the target workload
};

// Shapes in decreasing count; equal counts in decreasing (cpu, gpu_milli,
// num_gpus, gpu_spec), the artifact's sort.Reverse of TargetPodList.
std::vector<TypicalPod> typical_pods(std::span<const SharePod> pods, const TypicalPodOptions& options = {});

// F for a node in the given state (free CPU, free milli per GPU, GPU model), in
// milli-GPU.
double gpu_fragment_milli(std::int64_t cpu_left, std::span<const std::int32_t> gpu_free, const std::string& model,
                          std::span<const TypicalPod> typical);
inline double gpu_fragment_milli(const ShareNode& node, std::span<const TypicalPod> typical) {
  return gpu_fragment_milli(node.cpu_left, node.gpu_free, node.model, typical);
}

}  // namespace fleetsim::models
