#pragma once
// NVIDIA Multi-Instance GPU (MIG) geometry: the GPU instance profiles of the
// A100-40GB, A100-80GB and H100-80GB, where each may start on the GPU, and
// whether a set of instances fits on one GPU. Pure model; a pool's nodes get
// their instances in models/cluster_sharing.cpp (docs/mig.md).
//
// A MIG-capable GPU has 7 compute slices and 8 memory slices. A GPU instance of
// profile Ng.Mgb takes N compute slices and a run of memory slices that begins
// at one of the profile's allowed starts. Sources (see docs/mig.md):
//  - NVIDIA MIG User Guide, "Supported MIG Profiles" (profile names, fractions,
//    instance counts): https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html
//  - `nvidia-smi mig -lgipp` placements, the same on A100 and H100 (quoted in the
//    guide's "Getting Started" and in SEMANTICS.md §4.1):
//      Profile ID 19 {0,1,2,3,4,5,6}:1   Profile ID 20 {0,1,2,3,4,5,6}:1
//      Profile ID 15 {0,2,4,6}:2          Profile ID 14 {0,2,4}:2
//      Profile ID  9 {0,4}:4              Profile ID  5 {0}:4    Profile ID 0 {0}:8
//  - NVML nvmlDeviceGetGpuInstancePossiblePlacements: an instance occupies the
//    memory slices of its placement; creating one that overlaps fails.
//  - NVIDIA/mig-parted deployments/systemd/config-default.yaml (per-GPU counts,
//    e.g. "1g.10gb": 4 on A100-40GB and "1g.20gb": 4 on 80 GB parts).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/instance_catalog.hpp"

namespace fleetsim::models {

inline constexpr int kMigComputeSlices = 7;
inline constexpr int kMigMemorySlices = 8;

struct MigProfile {
  std::string_view name;  // as nvidia-smi prints it without "MIG ": "3g.20gb", "1g.5gb+me"
  int id = 0;             // GPU instance profile ID (nvidia-smi mig -lgip)
  int compute_slices = 0;
  int memory_slices = 0;
  int memory_gb = 0;      // the nominal size in the name; usable memory is a little less
  int max_count = 0;      // "Number of Instances Available"
  std::uint8_t starts = 0;  // bit s set: may start at memory slice s
  bool media_extensions = false;  // +me: the GPU's one set of NVJPG/OFA engines

  bool may_start_at(int s) const { return s >= 0 && s < kMigMemorySlices && ((starts >> s) & 1u) != 0; }
  // Memory slices [start, start + memory_slices) as a bit mask.
  std::uint8_t memory_mask(int start) const {
    return static_cast<std::uint8_t>(((1u << memory_slices) - 1u) << start);
  }
};

// The MIG profiles of one GPU model.
struct MigGpu {
  std::string_view name;  // "A100-SXM4-40GB", "A100-80GB", "H100-80GB"
  std::span<const MigProfile> profiles;

  const MigProfile* find(std::string_view profile) const;
  std::vector<std::string> profile_names() const;
};

// The three modelled GPUs, in the order above.
std::span<const MigGpu> mig_gpus();
// By the names above, or NVIDIA's longer product names: A100-SXM4-40GB,
// A100-PCIE-40GB, A100-40GB; A100-SXM4-80GB, A100-PCIE-80GB, A100-80GB;
// H100-SXM5-80GB, H100-PCIE-80GB, H100-80GB. An "NVIDIA " prefix is ignored.
// nullptr when the name is none of these.
const MigGpu* mig_gpu_named(std::string_view name);
// By the catalog's gpu_model and gpu_memory_gib (data/catalog/instances.csv):
// "A100" with 40 -> A100-SXM4-40GB, "A100" with 80 -> A100-80GB, "H100" with 80
// -> H100-80GB (memory rounded to whole GiB). The names mig_gpu_named knows are
// accepted too. nullptr for GPUs without MIG (V100, T4, A10G, L4, L40S) and for
// MIG GPUs whose profiles are not modelled (H100 NVL 94 GB, H200, B200).
const MigGpu* mig_gpu_for(std::string_view gpu_model, double gpu_memory_gib);
const MigGpu* mig_gpu_for(const InstanceType& type);
// Why mig_gpu_for(type) is nullptr, for error messages ("" when it is not).
std::string mig_unsupported_reason(const InstanceType& type);

// One GPU instance: a profile and the memory slice it starts at.
struct MigInstance {
  std::string profile;
  int start = 0;
  friend bool operator==(const MigInstance&, const MigInstance&) = default;
};

// The GPU instances on one GPU. An empty layout is a MIG-enabled GPU with no
// instances (it advertises nothing).
struct MigLayout {
  std::vector<MigInstance> instances;

  bool empty() const { return instances.empty(); }
  // "3g.40gb@0, 2g.20gb@4, 1g.10gb@6"
  std::string to_string() const;
  friend bool operator==(const MigLayout&, const MigLayout&) = default;
};

// "" when `layout` is valid on `gpu`, else the reason, checked in this order:
// a profile the GPU does not have; a start the profile does not allow; more
// instances of a profile than it allows; more than 7 compute slices; more than 8
// memory slices; two instances sharing a memory slice.
std::string mig_layout_error(const MigGpu& gpu, const MigLayout& layout);

// Where a list of profiles goes on one GPU. Each entry is a profile name,
// optionally pinned to a start with "@": "3g.20gb@4". Unpinned entries take,
// in list order, the first allowed start (nvidia-smi's placement order, lowest
// first) that leaves a placement for the entries after them; so the result is
// found whenever any placement exists. Either `layout` is set (entries in list
// order) or `error` says why there is none.
struct MigPlacement {
  MigLayout layout;
  std::string error;
  int entry = -1;  // the entry `error` is about; -1 when it is about the whole list
  bool ok() const { return error.empty(); }
};
MigPlacement place_mig(const MigGpu& gpu, const std::vector<std::string>& entries);

}  // namespace fleetsim::models
