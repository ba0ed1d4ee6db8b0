#include "policies/sharing/sharing_policy.hpp"

namespace fleetsim::policies {

std::vector<int> best_fit_gpus(const models::ShareNode& node, const models::SharePod& pod) {
  if (!pod.wants_gpu()) return {};
  if (pod.shares_gpu()) {
    const int g = models::tightest_gpu(node, pod.gpu_milli);
    return g < 0 ? std::vector<int>{} : std::vector<int>{g};
  }
  return models::lowest_free_gpus(node, pod.num_gpus);
}

}  // namespace fleetsim::policies
