#pragma once
// What a node with MIG-partitioned GPUs advertises to Kubernetes, by the NVIDIA
// k8s device plugin's migStrategy, and the parsing of a pool's `mig:` block.
// Pure model; nodes of a MIG pool offer these in models/cluster_sharing.cpp (docs/mig.md).
//
// Source: NVIDIA/k8s-device-plugin (README, MIG_STRATEGY; at commit 1b826ac):
//  - internal/rm/rm.go AddDefaultResourcesToConfig: single maps every MIG device
//    to "gpu" (nvidia.com/gpu); mixed gives each profile the resource
//    "mig-" + profile with '+' replaced by '.' (nvidia.com/mig-1g.5gb.me).
//  - internal/rm/device_map.go: under single, every GPU must have MIG enabled
//    ("all devices on the node must be configured with the same migEnabled
//    value"), none may be empty ("device %v has no MIG devices configured") and
//    all MIG devices must be alike ("more than one MIG device type present on
//    node"); under mixed, MIG-disabled GPUs stay nvidia.com/gpu and empty ones
//    only warn. With no GPU MIG-enabled, single behaves like none.
//  - internal/lm/mig-strategy.go: GPU feature discovery applies the same rules
//    and labels an invalid node nvidia.com/gpu.product=<model>-MIG-INVALID.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/instance_catalog.hpp"
#include "models/mig.hpp"

namespace fleetsim::models {

enum class MigStrategy { single, mixed };
const char* to_string(MigStrategy s);

// Extended resource name -> count, e.g. {"nvidia.com/mig-3g.20gb", 2}.
using ExtendedResources = std::map<std::string, std::int64_t>;

// The resource a MIG device of `profile` is advertised as under mixed:
// "nvidia.com/mig-3g.20gb"; "1g.5gb+me" becomes "nvidia.com/mig-1g.5gb.me"
// ('+' is not allowed in a Kubernetes resource name).
std::string mig_resource_name(std::string_view profile);

// What the node's GPUs advertise, one entry per GPU: std::nullopt is a GPU with
// MIG disabled (a whole nvidia.com/gpu), a layout a MIG-enabled GPU (an empty
// layout: enabled, no instances). Either `resources` (zero counts left out) or
// `error`, naming the node and the GPU index.
struct MigAdvertised {
  ExtendedResources resources;
  std::string error;
  bool ok() const { return error.empty(); }
};
MigAdvertised mig_advertised(MigStrategy strategy, const MigGpu& gpu, std::string_view node,
                             const std::vector<std::optional<MigLayout>>& gpus);

// A pool's `mig: {strategy: mixed, layout: [3g.20gb, 2g.10gb, 1g.5gb, 1g.5gb]}`:
// one layout, applied to every GPU of each node.
struct MigSpec {
  MigStrategy strategy = MigStrategy::mixed;
  const MigGpu* gpu = nullptr;
  MigLayout layout;
};

// "single" or "mixed"; throws InputError naming `field`.
MigStrategy parse_mig_strategy(const std::string& text, const std::string& field = "mig.strategy");
// Places `layout` (profile names, "name@start" to pin one) with place_mig and
// checks it against the strategy. Throws InputError whose text starts with
// `field` + ".strategy", ".layout" or ".layout[i]" (the loader passes e.g.
// where(file, line, "cluster.pools[0].mig")) and says what was expected.
MigSpec parse_mig_spec(const std::string& strategy, const std::vector<std::string>& layout, const MigGpu& gpu,
                       const std::string& field = "mig");
// The same for a pool of `type`: throws when its GPU has no modelled MIG profiles.
MigSpec parse_mig_spec(const std::string& strategy, const std::vector<std::string>& layout,
                       const InstanceType& type, const std::string& field = "mig");
// What a node with `gpus` GPUs, all laid out by `spec`, advertises.
ExtendedResources mig_node_resources(const MigSpec& spec, int gpus);

}  // namespace fleetsim::models
