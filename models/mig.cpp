#include "models/mig.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <functional>

#include "util/suggest.hpp"

namespace fleetsim::models {
namespace {

// Allowed starts (nvidia-smi mig -lgipp, see mig.hpp) as bit masks.
constexpr std::uint8_t k1g = 0b0111'1111;      // {0,1,2,3,4,5,6}:1 (profiles 19, 20)
constexpr std::uint8_t k1g2s = 0b0101'0101;    // {0,2,4,6}:2 (profile 15)
constexpr std::uint8_t k2g = 0b0001'0101;      // {0,2,4}:2 (profile 14)
constexpr std::uint8_t k3g = 0b0001'0001;      // {0,4}:4 (profile 9)
constexpr std::uint8_t kAt0 = 0b0000'0001;     // {0}:4 (profile 5) and {0}:8 (profile 0)

// NVIDIA MIG User Guide, "Supported MIG Profiles", table for A100-SXM4-40GB:
// fraction of memory 1/8, 1/8, 2/8, 2/8, 4/8, 4/8, full; fraction of SMs 1/7,
// 1/7, 1/7, 2/7, 3/7, 4/7, 7/7; instances available 7, 1, 4, 3, 2, 1, 1. The
// counts agree with NVIDIA/mig-parted config-default.yaml (all-1g.5gb: 7,
// all-1g.10gb on A100-40GB: 4, all-2g.10gb: 3, all-3g.20gb: 2, ...).
constexpr MigProfile kA100_40gb[] = {
    {"1g.5gb", 19, 1, 1, 5, 7, k1g, false},
    {"1g.5gb+me", 20, 1, 1, 5, 1, k1g, true},
    {"1g.10gb", 15, 1, 2, 10, 4, k1g2s, false},
    {"2g.10gb", 14, 2, 2, 10, 3, k2g, false},
    {"3g.20gb", 9, 3, 4, 20, 2, k3g, false},
    {"4g.20gb", 5, 4, 4, 20, 1, kAt0, false},
    {"7g.40gb", 0, 7, 8, 40, 1, kAt0, false},
};

// The guide: for the 80 GB A100 the names change with the memory (1g.10gb,
// 1g.10gb+me, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb) and the geometry does
// not; its H100-80GB table lists the same names, fractions and counts, and
// `nvidia-smi mig -lgipp` on H100 prints the same placements as on A100.
constexpr MigProfile k80gb[] = {
    {"1g.10gb", 19, 1, 1, 10, 7, k1g, false},
    {"1g.10gb+me", 20, 1, 1, 10, 1, k1g, true},
    {"1g.20gb", 15, 1, 2, 20, 4, k1g2s, false},
    {"2g.20gb", 14, 2, 2, 20, 3, k2g, false},
    {"3g.40gb", 9, 3, 4, 40, 2, k3g, false},
    {"4g.40gb", 5, 4, 4, 40, 1, kAt0, false},
    {"7g.80gb", 0, 7, 8, 80, 1, kAt0, false},
};

constexpr MigGpu kGpus[] = {
    {"A100-SXM4-40GB", kA100_40gb},
    {"A100-80GB", k80gb},
    {"H100-80GB", k80gb},
};

struct Alias {
  std::string_view name;
  int gpu;
};
// Upper case, spaces as dashes, "NVIDIA" dropped (nvidia-smi prints e.g.
// "NVIDIA A100-SXM4-40GB", "NVIDIA A100 80GB PCIe", "NVIDIA H100 80GB HBM3").
constexpr Alias kAliases[] = {
    {"A100-SXM4-40GB", 0}, {"A100-PCIE-40GB", 0}, {"A100-40GB", 0},
    {"A100-SXM4-80GB", 1}, {"A100-PCIE-80GB", 1}, {"A100-80GB", 1}, {"A100-80GB-PCIE", 1},
    {"H100-SXM5-80GB", 2}, {"H100-PCIE-80GB", 2}, {"H100-80GB", 2}, {"H100-80GB-HBM3", 2},
    {"H100-PCIE", 2},
};

std::string normalise(std::string_view name) {
  std::string s;
  for (char c : name) s.push_back(c == ' ' || c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (s.rfind("NVIDIA-", 0) == 0) s.erase(0, 7);
  return s;
}

// "an A100-SXM4-40GB": all three names take "an" (A-, aitch-).
std::string on(const MigGpu& gpu) {
  std::string s = "an ";
  s.append(gpu.name);
  return s;
}

// "0-6", "0, 2, 4, 6", "0 or 4", "0".
std::string starts_text(std::uint8_t starts) {
  std::vector<int> v;
  for (int s = 0; s < kMigMemorySlices; ++s)
    if ((starts >> s) & 1u) v.push_back(s);
  if (v.size() >= 3 && v.back() - v.front() + 1 == static_cast<int>(v.size()))
    return std::to_string(v.front()).append("-").append(std::to_string(v.back()));
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.append(i + 1 == v.size() ? " or " : ", ");
    out.append(std::to_string(v[i]));
  }
  return out;
}

// "memory slice 3", "memory slices 4-7".
std::string slices_text(std::uint8_t mask) {
  int lo = std::countr_zero(static_cast<unsigned>(mask));
  int hi = 31 - std::countl_zero(static_cast<unsigned>(mask));
  if (lo == hi) return std::string("memory slice ").append(std::to_string(lo));
  return std::string("memory slices ").append(std::to_string(lo)).append("-").append(std::to_string(hi));
}

struct Entry {
  std::string text;  // as written: "3g.20gb" or "3g.20gb@4"
  const MigProfile* profile = nullptr;
  int pin = -1;  // the start it is pinned to, or -1
};

// "3g.20gb + 2g.10gb x2 + 1g.5gb@6": equal entries grouped, in order of first use.
std::string list_text(const std::vector<Entry>& entries) {
  std::vector<std::pair<std::string, int>> groups;
  for (const auto& e : entries) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == e.text; });
    if (it == groups.end())
      groups.emplace_back(e.text, 1);
    else
      ++it->second;
  }
  std::string out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i) out.append(" + ");
    out.append(groups[i].first);
    if (groups[i].second > 1) out.append(" x").append(std::to_string(groups[i].second));
  }
  return out;
}

std::string unknown_profile(const MigGpu& gpu, std::string_view name) {
  std::string out(name);
  out.append(" is not a MIG profile of ").append(on(gpu));
  std::vector<std::string> elsewhere;
  for (const auto& g : kGpus)
    if (g.name != gpu.name && g.find(name)) elsewhere.emplace_back(g.name);
  auto names = gpu.profile_names();
  if (!elsewhere.empty())
    out.append(" (it is a profile of the ").append(join(elsewhere, " and ")).append(")");
  else
    out.append(did_you_mean(name, names));
  out.append("; expected one of ").append(join(names, ", "));
  return out;
}

std::string start_not_allowed(const MigGpu& gpu, const MigProfile& p, int start) {
  std::string out(p.name);
  out.append(" cannot start at memory slice ").append(std::to_string(start)).append(" of ").append(on(gpu));
  out.append("; its allowed starts are ").append(starts_text(p.starts));
  return out;
}

// Checks that need no search: counts, slice totals, pinned overlaps.
std::string combination_error(const MigGpu& gpu, const std::vector<Entry>& entries) {
  for (const auto& p : gpu.profiles) {
    auto n = std::count_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.profile == &p; });
    if (n > p.max_count)
      return std::to_string(n).append(" instances of ").append(p.name).append(", but ").append(on(gpu))
          .append(" allows at most ").append(std::to_string(p.max_count));
  }
  int compute = 0, memory = 0;
  for (const auto& e : entries) {
    compute += e.profile->compute_slices;
    memory += e.profile->memory_slices;
  }
  if (compute > kMigComputeSlices)
    return list_text(entries).append(" need ").append(std::to_string(compute)).append(" compute slices, but ")
        .append(on(gpu)).append(" has ").append(std::to_string(kMigComputeSlices));
  if (memory > kMigMemorySlices)
    return list_text(entries).append(" need ").append(std::to_string(memory)).append(" memory slices, but ")
        .append(on(gpu)).append(" has ").append(std::to_string(kMigMemorySlices));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].pin < 0) continue;
    for (std::size_t j = i + 1; j < entries.size(); ++j) {
      if (entries[j].pin < 0) continue;
      auto both = static_cast<std::uint8_t>(entries[i].profile->memory_mask(entries[i].pin) &
                                            entries[j].profile->memory_mask(entries[j].pin));
      if (both)
        return std::string(entries[i].profile->name).append("@").append(std::to_string(entries[i].pin))
            .append(" and ").append(entries[j].profile->name).append("@").append(std::to_string(entries[j].pin))
            .append(" overlap on ").append(slices_text(both)).append(" of ").append(on(gpu));
    }
  }
  return "";
}

}  // namespace

const MigProfile* MigGpu::find(std::string_view profile) const {
  for (const auto& p : profiles)
    if (p.name == profile) return &p;
  return nullptr;
}

std::vector<std::string> MigGpu::profile_names() const {
  std::vector<std::string> out;
  for (const auto& p : profiles) out.emplace_back(p.name);
  return out;
}

std::span<const MigGpu> mig_gpus() { return kGpus; }

const MigGpu* mig_gpu_named(std::string_view name) {
  std::string n = normalise(name);
  for (const auto& a : kAliases)
    if (a.name == n) return &kGpus[a.gpu];
  return nullptr;
}

const MigGpu* mig_gpu_for(std::string_view gpu_model, double gpu_memory_gib) {
  if (const MigGpu* g = mig_gpu_named(gpu_model)) return g;
  std::string m = normalise(gpu_model);
  long gib = std::isfinite(gpu_memory_gib) ? std::lround(gpu_memory_gib) : 0;
  if (m == "A100" && gib == 40) return &kGpus[0];
  if (m == "A100" && gib == 80) return &kGpus[1];
  if (m == "H100" && gib == 80) return &kGpus[2];
  return nullptr;
}

const MigGpu* mig_gpu_for(const InstanceType& type) {
  if (type.gpus <= 0) return nullptr;
  return mig_gpu_for(type.gpu_model, type.gpu_memory_gib);
}

std::string mig_unsupported_reason(const InstanceType& type) {
  if (mig_gpu_for(type)) return "";
  std::string out("instance type ");
  out.append(type.name);
  if (type.gpus <= 0 || type.gpu_model.empty()) return out.append(" has no GPUs");
  std::string m = normalise(type.gpu_model);
  out.append(" has ").append(type.gpu_model).append(" GPUs");
  // Pre-Ampere and graphics/inference parts: not in NVIDIA's "Supported GPUs" list.
  for (std::string_view no : {"V100", "T4", "A10G", "A10", "L4", "L40S", "L40", "K80", "P100", "M60"})
    if (m == no) return out.append(", which do not support MIG");
  if (m == "A100" || m == "H100") {
    out.append(" with gpu_memory_gib ").append(std::to_string(std::lround(type.gpu_memory_gib)));
    return out.append(m == "A100" ? "; MIG profiles differ by memory and are modelled for the A100 with 40 or 80 GiB"
                                  : "; MIG profiles differ by memory and are modelled for the H100 with 80 GiB");
  }
  return out.append("; fleetsim models MIG profiles for the A100 (40 or 80 GiB) and the H100 (80 GiB) only");
}

std::string MigLayout::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (i) out.append(", ");
    out.append(instances[i].profile).append("@").append(std::to_string(instances[i].start));
  }
  return out;
}

std::string mig_layout_error(const MigGpu& gpu, const MigLayout& layout) {
  std::vector<Entry> entries;
  for (const auto& in : layout.instances) {
    const MigProfile* p = gpu.find(in.profile);
    if (!p) return unknown_profile(gpu, in.profile);
    if (!p->may_start_at(in.start)) return start_not_allowed(gpu, *p, in.start);
    entries.push_back({std::string(p->name).append("@").append(std::to_string(in.start)), p, in.start});
  }
  return combination_error(gpu, entries);
}

MigPlacement place_mig(const MigGpu& gpu, const std::vector<std::string>& texts) {
  MigPlacement out;
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& t = texts[i];
    auto fail = [&](std::string why) {
      out.error = std::move(why);
      out.entry = static_cast<int>(i);
      return out;
    };
    auto at = t.find('@');
    std::string name = t.substr(0, at);
    if (name.empty())
      return fail(std::string("expected a MIG profile name such as ").append(gpu.profiles[4].name)
                      .append(", got '").append(t).append("'"));
    const MigProfile* p = gpu.find(name);
    if (!p) return fail(unknown_profile(gpu, name));
    int pin = -1;
    if (at != std::string::npos) {
      std::string s = t.substr(at + 1);
      if (s.size() != 1 || !std::isdigit(static_cast<unsigned char>(s[0])))
        return fail(std::string("expected a memory slice 0-7 after '@' (").append(p->name).append("@")
                        .append(std::to_string(std::countr_zero(static_cast<unsigned>(p->starts))))
                        .append("), got '").append(t).append("'"));
      pin = s[0] - '0';
      if (!p->may_start_at(pin)) return fail(start_not_allowed(gpu, *p, pin));
    }
    entries.push_back({t, p, pin});
  }
  out.error = combination_error(gpu, entries);
  if (!out.ok()) return out;

  // Depth-first over the entries in list order, starts lowest first: the first
  // complete assignment found. Unpinned entries of one profile are
  // interchangeable, so they take increasing starts (no duplicate branches).
  std::uint8_t pinned = 0;
  for (const auto& e : entries)
    if (e.pin >= 0) pinned = static_cast<std::uint8_t>(pinned | e.profile->memory_mask(e.pin));
  std::vector<int> start(entries.size(), -1);
  std::function<bool(std::size_t, std::uint8_t)> fill = [&](std::size_t k, std::uint8_t used) -> bool {
    if (k == entries.size()) return true;
    const Entry& e = entries[k];
    if (e.pin >= 0) {
      start[k] = e.pin;
      return fill(k + 1, used);
    }
    int after = -1;
    for (std::size_t j = 0; j < k; ++j)
      if (entries[j].pin < 0 && entries[j].profile == e.profile) after = start[j];
    for (int s = after + 1; s < kMigMemorySlices; ++s) {
      if (!e.profile->may_start_at(s)) continue;
      std::uint8_t m = e.profile->memory_mask(s);
      if (m & used) continue;
      start[k] = s;
      if (fill(k + 1, static_cast<std::uint8_t>(used | m))) return true;
    }
    return false;
  };
  if (!fill(0, pinned)) {
    std::string why = list_text(entries);
    why.append(" do not fit on ").append(on(gpu)).append(": no choice of allowed starts keeps their memory slices apart (");
    std::vector<const MigProfile*> seen;
    for (const auto& e : entries) {
      if (e.pin >= 0 || std::find(seen.begin(), seen.end(), e.profile) != seen.end()) continue;
      if (!seen.empty()) why.append("; ");
      seen.push_back(e.profile);
      why.append(e.profile->name).append(" starts at ").append(starts_text(e.profile->starts));
    }
    why.append(")");
    out.error = std::move(why);
    return out;
  }
  for (std::size_t k = 0; k < entries.size(); ++k)
    out.layout.instances.push_back({std::string(entries[k].profile->name), start[k]});
  return out;
}

}  // namespace fleetsim::models
