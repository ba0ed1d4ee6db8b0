#include "scenario/sharing_yaml.hpp"

#include "util/input_error.hpp"

namespace fleetsim::scenario {

models::GpuSharing parse_pool_sharing(const Fields& pool, const models::InstanceType& type) {
  models::GpuSharing s;
  if (!pool.has("sharing")) return s;
  Fields f(pool.node("sharing"), pool.file(), pool.field("sharing"),
           {"mode", "replicas", "context_switch_overhead", "memory_limit_mib", "strategy", "layout"});
  if (!f.has("mode")) f.fail("mode", "a sharing mode: time-slicing, mps, fractional or mig");
  const std::string mode = f.one_of("mode", {"time-slicing", "mps", "fractional", "mig"}, "");
  if (type.gpus == 0) f.fail("mode", "no GPU sharing on instance type " + type.name + ", which has no GPUs");
  auto only_for = [&](const std::string& key, const std::string& modes) {
    if (f.has(key)) f.fail(key, "no " + key + " with mode " + mode + " (it is for " + modes + ")");
  };
  if (mode != "mig") {
    only_for("strategy", "mode mig");
    only_for("layout", "mode mig");
  }
  if (mode == "mig") {
    only_for("replicas", "time-slicing and mps");
    only_for("context_switch_overhead", "time-slicing and fractional");
    only_for("memory_limit_mib", "mps");
  }
  if (mode == "mig") {
    std::vector<std::string> layout;
    if (f.has("layout")) {
      const YAML::Node l = f.node("layout");
      if (!l.IsSequence()) f.fail("layout", "a list of MIG profiles for one GPU");
      for (const auto& v : l) layout.push_back(v.Scalar());
    }
    s.mode = models::SharingMode::mig;
    s.mig = models::parse_mig_spec(f.str("strategy", "mixed"), layout, type,
                                   where(pool.file(), line_of(pool.node("sharing")), pool.field("sharing")));
    return s;
  }
  s.mode = mode == "time-slicing" ? models::SharingMode::time_slicing
           : mode == "mps"        ? models::SharingMode::mps
                                  : models::SharingMode::fractional;
  if (s.mode == models::SharingMode::fractional) {
    only_for("replicas", "time-slicing and mps; fractional pods take gpu_milli of a GPU");
  } else {
    // The device plugin requires replicas >= 2 (1 would not share).
    s.replicas = static_cast<int>(f.integer("replicas", 2, 1000));
  }
  if (s.mode == models::SharingMode::mps) {
    only_for("context_switch_overhead", "time-slicing and fractional; MPS clients run concurrently");
    s.context_switch_overhead = 0;
    const auto gpu_mib = static_cast<std::int64_t>(type.gpu_memory_gib * 1024.0);
    s.mps_memory_limit_mib = f.integer("memory_limit_mib", 1, gpu_mib, gpu_mib / s.replicas);
  } else {
    only_for("memory_limit_mib", "mps; " + mode + " has no memory isolation");
    s.context_switch_overhead = f.number("context_switch_overhead", 0, 0.99, s.context_switch_overhead);
  }
  return s;
}

}  // namespace fleetsim::scenario
