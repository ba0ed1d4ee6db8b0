#include "models/mig_strategy.hpp"

#include <algorithm>

#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::models {
namespace {

constexpr std::string_view kGpuResource = "nvidia.com/gpu";

std::string node_text(std::string_view node) {
  std::string s("node ");
  s.append(node);
  return s.append(": ");
}

std::string gpu_text(std::size_t i) { return std::string("GPU ").append(std::to_string(i)); }

// The distinct profiles of a layout, in order of first use.
std::vector<std::string> distinct_profiles(const MigLayout& layout) {
  std::vector<std::string> out;
  for (const auto& in : layout.instances)
    if (std::find(out.begin(), out.end(), in.profile) == out.end()) out.push_back(in.profile);
  return out;
}

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(i + 1 == items.size() ? " and " : ", ");
    out.append(items[i]);
  }
  return out;
}

MigAdvertised single(std::string_view node, const std::vector<std::optional<MigLayout>>& gpus) {
  MigAdvertised out;
  std::optional<std::size_t> first_on, first_off;
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    auto& first = gpus[i] ? first_on : first_off;
    if (!first) first = i;
  }
  if (!first_on) {  // no GPU has MIG enabled: as migStrategy none
    if (!gpus.empty()) out.resources.emplace(kGpuResource, static_cast<std::int64_t>(gpus.size()));
    return out;
  }
  if (first_off) {
    out.error = node_text(node).append("migStrategy single needs MIG enabled on all GPUs or on none, but ")
                    .append(gpu_text(*first_on)).append(" has it and ").append(gpu_text(*first_off))
                    .append(" does not");
    return out;
  }
  std::string profile;
  std::size_t profile_gpu = 0;
  std::int64_t count = 0;
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    const MigLayout& l = *gpus[i];
    if (l.empty()) {
      out.error = node_text(node).append("migStrategy single needs at least one MIG device on every GPU, but ")
                      .append(gpu_text(i)).append(" has none");
      return out;
    }
    auto here = distinct_profiles(l);
    if (here.size() > 1) {
      out.error = node_text(node).append("migStrategy single needs one MIG profile on the whole node, but ")
                      .append(gpu_text(i)).append(" has ").append(and_list(here)).append(" (use mixed)");
      return out;
    }
    if (profile.empty()) {
      profile = here[0];
      profile_gpu = i;
    } else if (here[0] != profile) {
      out.error = node_text(node).append("migStrategy single needs one MIG profile on the whole node, but ")
                      .append(gpu_text(profile_gpu)).append(" has ").append(profile).append(" and ")
                      .append(gpu_text(i)).append(" has ").append(here[0]).append(" (use mixed)");
      return out;
    }
    count += static_cast<std::int64_t>(l.instances.size());
  }
  out.resources.emplace(kGpuResource, count);
  return out;
}

std::string strategy_field(const std::string& field) { return std::string(field).append(".strategy"); }
std::string layout_field(const std::string& field) { return std::string(field).append(".layout"); }

}  // namespace

const char* to_string(MigStrategy s) { return s == MigStrategy::single ? "single" : "mixed"; }

std::string mig_resource_name(std::string_view profile) {
  std::string out("nvidia.com/mig-");
  for (char c : profile) out.push_back(c == '+' ? '.' : c);
  return out;
}

MigAdvertised mig_advertised(MigStrategy strategy, const MigGpu& gpu, std::string_view node,
                             const std::vector<std::optional<MigLayout>>& gpus) {
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    if (!gpus[i]) continue;
    std::string why = mig_layout_error(gpu, *gpus[i]);
    if (!why.empty()) return {{}, node_text(node).append(gpu_text(i)).append(": ").append(why)};
  }
  if (strategy == MigStrategy::single) return single(node, gpus);
  MigAdvertised out;
  for (const auto& g : gpus) {
    if (!g) {
      ++out.resources[std::string(kGpuResource)];
      continue;
    }
    for (const auto& in : g->instances) ++out.resources[mig_resource_name(in.profile)];
  }
  return out;
}

MigStrategy parse_mig_strategy(const std::string& text, const std::string& field) {
  if (text == "single") return MigStrategy::single;
  if (text == "mixed") return MigStrategy::mixed;
  std::string why = field;
  why.append(": expected single or mixed (the NVIDIA device plugin's migStrategy; leave mig out for whole GPUs), got '")
      .append(text).append("'").append(did_you_mean(text, {"single", "mixed"}));
  throw InputError(why);
}

MigSpec parse_mig_spec(const std::string& strategy, const std::vector<std::string>& layout, const MigGpu& gpu,
                       const std::string& field) {
  MigSpec spec;
  spec.strategy = parse_mig_strategy(strategy, strategy_field(field));
  spec.gpu = &gpu;
  if (layout.empty()) {
    const auto& p = gpu.profiles;  // all-balanced: 3g + 2g + 1g x2 (NVIDIA/mig-parted)
    std::string why = layout_field(field);
    why.append(": expected a list of MIG profiles for one ").append(gpu.name).append(", e.g. [")
        .append(p[4].name).append(", ").append(p[3].name).append(", ").append(p[0].name).append(", ")
        .append(p[0].name).append("], got an empty list");
    throw InputError(why);
  }
  MigPlacement placed = place_mig(gpu, layout);
  if (!placed.ok()) {
    std::string why = layout_field(field);
    if (placed.entry >= 0) why.append("[").append(std::to_string(placed.entry)).append("]");
    why.append(": ").append(placed.error);
    throw InputError(why);
  }
  spec.layout = std::move(placed.layout);
  auto profiles = distinct_profiles(spec.layout);
  if (spec.strategy == MigStrategy::single && profiles.size() > 1) {
    std::string why = layout_field(field);
    why.append(": strategy single advertises every MIG device as nvidia.com/gpu, so the node may have one profile only; got ")
        .append(and_list(profiles)).append(" (use strategy mixed)");
    throw InputError(why);
  }
  return spec;
}

MigSpec parse_mig_spec(const std::string& strategy, const std::vector<std::string>& layout,
                       const InstanceType& type, const std::string& field) {
  const MigGpu* gpu = mig_gpu_for(type);
  if (!gpu) {
    std::string why = field;
    why.append(": ").append(mig_unsupported_reason(type));
    throw InputError(why);
  }
  return parse_mig_spec(strategy, layout, *gpu, field);
}

ExtendedResources mig_node_resources(const MigSpec& spec, int gpus) {
  std::vector<std::optional<MigLayout>> all(static_cast<std::size_t>(std::max(gpus, 0)), spec.layout);
  MigAdvertised a = mig_advertised(spec.strategy, *spec.gpu, "", all);
  return a.resources;  // a parsed spec is valid on every GPU
}

}  // namespace fleetsim::models
