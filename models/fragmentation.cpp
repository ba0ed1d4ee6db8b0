#include "models/fragmentation.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace fleetsim::models {

namespace {

using ShapeKey = std::tuple<std::int64_t, std::int32_t, std::int32_t, std::string>;  // cpu, milli, gpus, spec

}  // namespace

std::vector<TypicalPod> typical_pods(std::span<const SharePod> pods, const TypicalPodOptions& options) {
  std::map<ShapeKey, std::int64_t> counts;
  std::int64_t total = 0;
  for (const auto& p : pods) {
    if (!options.include_cpu_pods && !p.wants_gpu()) continue;
    const std::int32_t gpus = p.wants_gpu() ? p.num_gpus : 0;
    const std::int32_t milli = p.wants_gpu() ? p.gpu_milli : 0;
    ++counts[{p.cpu_milli, milli, gpus, p.wants_gpu() ? p.gpu_spec : std::string()}];
    ++total;
  }
  std::vector<TypicalPod> all;
  for (const auto& [k, n] : counts) {
    TypicalPod t;
    t.cpu_milli = std::get<0>(k);
    t.gpu_milli = std::get<1>(k);
    t.num_gpus = std::get<2>(k);
    t.gpu_spec = std::get<3>(k);
    t.count = n;
    all.push_back(std::move(t));
  }
  // The map is in increasing key order; a stable sort on decreasing count after
  // reversing it gives decreasing keys among equal counts.
  std::reverse(all.begin(), all.end());
  std::stable_sort(all.begin(), all.end(), [](const TypicalPod& a, const TypicalPod& b) { return a.count > b.count; });
  // Take shapes one at a time until their pods reach the threshold (the
  // artifact compares floating-point counts; counts here are exact).
  const double expected = options.popularity * static_cast<double>(total);
  std::int64_t covered = 0;
  std::size_t n = 0;
  while (n < all.size() && static_cast<double>(covered) < expected) covered += all[n++].count;
  all.resize(n);
  for (auto& t : all) t.weight = static_cast<double>(t.count) / static_cast<double>(covered);
  return all;
}

double gpu_fragment_milli(std::int64_t cpu_left, std::span<const std::int32_t> gpu_free, const std::string& model,
                          std::span<const TypicalPod> typical) {
  std::int64_t idle = 0;
  for (auto f : gpu_free) idle += f;
  if (idle == 0) return 0;
  double frag = 0;
  for (const auto& t : typical) {
    std::int64_t unusable = idle;
    if (t.gpu_milli > 0 && t.num_gpus > 0 && cpu_left >= t.cpu_milli && gpu_spec_accepts(t.gpu_spec, model)) {
      int fitting = 0;
      std::int64_t small = 0;  // free share on GPUs too small for this pod
      for (auto f : gpu_free) {
        if (f >= t.gpu_milli)
          ++fitting;
        else
          small += f;
      }
      if (fitting >= t.num_gpus) unusable = small;
    }
    frag += t.weight * static_cast<double>(unusable);
  }
  return frag;
}

}  // namespace fleetsim::models
