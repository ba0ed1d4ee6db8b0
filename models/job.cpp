#include "models/job.hpp"

namespace fleetsim::models {

bool PodSpec::accepts_model(const std::string& model) const {
  if (gpu_model.empty()) return true;
  std::size_t start = 0;
  while (start <= gpu_model.size()) {
    std::size_t bar = gpu_model.find('|', start);
    if (bar == std::string::npos) bar = gpu_model.size();
    if (gpu_model.compare(start, bar - start, model) == 0) return true;
    start = bar + 1;
  }
  return false;
}

std::int32_t Job::total_gpus() const {
  std::int32_t n = 0;
  for (const auto& p : pods) n += p.whole_gpus();
  return n;
}

}  // namespace fleetsim::models
