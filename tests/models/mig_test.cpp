// MIG geometry and device-plugin strategies against NVIDIA's tables
// (SEMANTICS.md §4, gold cases G4.1-G4.3 and G4.5; docs/mig.md for sources).
#include "models/mig.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/instance_catalog.hpp"
#include "models/mig_strategy.hpp"
#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::models {
namespace {

const MigGpu& a100_40() { return *mig_gpu_named("A100-SXM4-40GB"); }
const MigGpu& a100_80() { return *mig_gpu_named("A100-80GB"); }
const MigGpu& h100() { return *mig_gpu_named("H100-80GB"); }

std::vector<std::string> times(const std::string& p, int n) { return std::vector<std::string>(static_cast<std::size_t>(n), p); }

MigLayout layout(std::vector<MigInstance> in) { return MigLayout{std::move(in)}; }

// place_mig's layout, or its error prefixed with "error: ".
std::string placed(const MigGpu& gpu, const std::vector<std::string>& entries) {
  auto p = place_mig(gpu, entries);
  if (!p.ok()) return std::string("error: ").append(p.error);
  EXPECT_EQ(mig_layout_error(gpu, p.layout), "") << p.layout.to_string();
  return p.layout.to_string();
}

// The message of the InputError parse_mig_spec throws, or "" when it does not.
std::string spec_error(const std::string& strategy, const std::vector<std::string>& entries,
                       const MigGpu& gpu, const std::string& field = "mig") {
  try {
    parse_mig_spec(strategy, entries, gpu, field);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MigProfiles, A100_40gbTable) {
  // MIG User Guide, "Supported MIG Profiles", A100-SXM4-40GB; placements from
  // nvidia-smi mig -lgipp.
  struct Row {
    const char* name;
    int id, compute, memory, gb, max;
    std::vector<int> starts;
  };
  const std::vector<Row> rows = {
      {"1g.5gb", 19, 1, 1, 5, 7, {0, 1, 2, 3, 4, 5, 6}},
      {"1g.5gb+me", 20, 1, 1, 5, 1, {0, 1, 2, 3, 4, 5, 6}},
      {"1g.10gb", 15, 1, 2, 10, 4, {0, 2, 4, 6}},
      {"2g.10gb", 14, 2, 2, 10, 3, {0, 2, 4}},
      {"3g.20gb", 9, 3, 4, 20, 2, {0, 4}},
      {"4g.20gb", 5, 4, 4, 20, 1, {0}},
      {"7g.40gb", 0, 7, 8, 40, 1, {0}},
  };
  const MigGpu& g = a100_40();
  ASSERT_EQ(g.profiles.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MigProfile& p = g.profiles[i];
    SCOPED_TRACE(rows[i].name);
    EXPECT_EQ(p.name, rows[i].name);
    EXPECT_EQ(p.id, rows[i].id);
    EXPECT_EQ(p.compute_slices, rows[i].compute);
    EXPECT_EQ(p.memory_slices, rows[i].memory);
    EXPECT_EQ(p.memory_gb, rows[i].gb);
    EXPECT_EQ(p.max_count, rows[i].max);
    std::vector<int> starts;
    for (int s = -1; s <= 8; ++s)
      if (p.may_start_at(s)) starts.push_back(s);
    EXPECT_EQ(starts, rows[i].starts);
    EXPECT_EQ(p.media_extensions, std::string(rows[i].name).ends_with("+me"));
  }
}

TEST(MigProfiles, EightyGbPartsHaveTheSameGeometryUnderTheirOwnNames) {
  const std::vector<std::string> names = {"1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb",
                                          "3g.40gb", "4g.40gb", "7g.80gb"};
  for (const MigGpu* g : {&a100_80(), &h100()}) {
    SCOPED_TRACE(g->name);
    EXPECT_EQ(g->profile_names(), names);
    ASSERT_EQ(g->profiles.size(), a100_40().profiles.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      const MigProfile& p = g->profiles[i];
      const MigProfile& q = a100_40().profiles[i];
      EXPECT_EQ(p.id, q.id);
      EXPECT_EQ(p.compute_slices, q.compute_slices);
      EXPECT_EQ(p.memory_slices, q.memory_slices);
      EXPECT_EQ(p.memory_gb, 2 * q.memory_gb);
      EXPECT_EQ(p.max_count, q.max_count);
      EXPECT_EQ(p.starts, q.starts);
    }
  }
  EXPECT_EQ(mig_gpus().size(), 3u);
}

TEST(MigGpuLookup, CatalogNamesAndNvidiaNames) {
  EXPECT_EQ(mig_gpu_for("A100", 40)->name, "A100-SXM4-40GB");
  EXPECT_EQ(mig_gpu_for("A100", 80)->name, "A100-80GB");
  EXPECT_EQ(mig_gpu_for("H100", 80)->name, "H100-80GB");
  EXPECT_EQ(mig_gpu_for("A100", 79.6)->name, "A100-80GB");  // rounded to whole GiB
  EXPECT_EQ(mig_gpu_for("A100", 0), nullptr);    // 40 or 80 GB: the profiles differ
  EXPECT_EQ(mig_gpu_for("H100", 94), nullptr);   // H100 NVL: 1g.12gb etc., not modelled
  EXPECT_EQ(mig_gpu_for("H200", 141), nullptr);
  EXPECT_EQ(mig_gpu_for("T4", 16), nullptr);
  EXPECT_EQ(mig_gpu_for("A100-80GB", 0)->name, "A100-80GB");
  EXPECT_EQ(mig_gpu_named("NVIDIA A100-SXM4-40GB")->name, "A100-SXM4-40GB");
  EXPECT_EQ(mig_gpu_named("a100-pcie-80gb")->name, "A100-80GB");
  EXPECT_EQ(mig_gpu_named("NVIDIA H100 80GB HBM3")->name, "H100-80GB");
  EXPECT_EQ(mig_gpu_named("H100-SXM5-80GB")->name, "H100-80GB");
  EXPECT_EQ(mig_gpu_named("A100"), nullptr);
}

TEST(MigGpuLookup, ShippedCatalog) {
  auto cat = InstanceCatalog::load_csv(std::string(FLEETSIM_SOURCE_DIR) + "/data/catalog/instances.csv");
  const std::map<std::string, std::string> expected = {
      {"p4d.24xlarge", "A100-SXM4-40GB"},  {"p4de.24xlarge", "A100-80GB"},
      {"p5.48xlarge", "H100-80GB"},        {"p5.4xlarge", "H100-80GB"},
      {"a2-highgpu-1g", "A100-SXM4-40GB"}, {"a2-highgpu-2g", "A100-SXM4-40GB"},
      {"a2-highgpu-4g", "A100-SXM4-40GB"}, {"a2-highgpu-8g", "A100-SXM4-40GB"},
      {"a2-megagpu-16g", "A100-SXM4-40GB"}, {"a2-ultragpu-1g", "A100-80GB"},
      {"a2-ultragpu-2g", "A100-80GB"},     {"a2-ultragpu-4g", "A100-80GB"},
      {"a2-ultragpu-8g", "A100-80GB"},     {"a3-highgpu-1g", "H100-80GB"},
      {"a3-highgpu-2g", "H100-80GB"},      {"a3-highgpu-4g", "H100-80GB"},
      {"a3-highgpu-8g", "H100-80GB"},
  };
  for (const auto& t : cat.types()) {
    const MigGpu* g = mig_gpu_for(t);
    auto it = expected.find(t.name);
    if (it == expected.end()) {
      EXPECT_EQ(g, nullptr) << t.name;
      EXPECT_NE(mig_unsupported_reason(t), "") << t.name;
    } else {
      ASSERT_NE(g, nullptr) << t.name;
      EXPECT_EQ(g->name, it->second) << t.name;
      EXPECT_EQ(mig_unsupported_reason(t), "");
    }
  }
  EXPECT_EQ(mig_unsupported_reason(*cat.find("g5.xlarge")), "instance type g5.xlarge has A10G GPUs, which do not support MIG");
  EXPECT_EQ(mig_unsupported_reason(*cat.find("p5en.48xlarge")),
            "instance type p5en.48xlarge has H200 GPUs; fleetsim models MIG profiles for the A100 (40 or 80 GiB) "
            "and the H100 (80 GiB) only");
  InstanceType no_memory = *cat.find("p4d.24xlarge");
  no_memory.gpu_memory_gib = 0;  // a user catalog without the optional column
  EXPECT_EQ(mig_unsupported_reason(no_memory),
            "instance type p4d.24xlarge has A100 GPUs with gpu_memory_gib 0; MIG profiles differ by memory and are "
            "modelled for the A100 with 40 or 80 GiB");
}

// Valid combinations on A100-40GB (SEMANTICS §4.1 and NVIDIA/mig-parted configs).
TEST(MigPlacement, ValidLayoutsOnA100_40gb) {
  const MigGpu& g = a100_40();
  EXPECT_EQ(placed(g, times("1g.5gb", 7)), "1g.5gb@0, 1g.5gb@1, 1g.5gb@2, 1g.5gb@3, 1g.5gb@4, 1g.5gb@5, 1g.5gb@6");
  EXPECT_EQ(placed(g, {"4g.20gb", "3g.20gb"}), "4g.20gb@0, 3g.20gb@4");
  EXPECT_EQ(placed(g, {"3g.20gb", "3g.20gb"}), "3g.20gb@0, 3g.20gb@4");  // 6 of 7 compute slices
  EXPECT_EQ(placed(g, {"4g.20gb", "2g.10gb", "1g.5gb"}), "4g.20gb@0, 2g.10gb@4, 1g.5gb@6");
  EXPECT_EQ(placed(g, {"2g.10gb", "2g.10gb", "3g.20gb"}), "2g.10gb@0, 2g.10gb@2, 3g.20gb@4");
  EXPECT_EQ(placed(g, {"2g.10gb", "2g.10gb", "2g.10gb", "1g.5gb"}), "2g.10gb@0, 2g.10gb@2, 2g.10gb@4, 1g.5gb@6");
  EXPECT_EQ(placed(g, times("1g.10gb", 4)), "1g.10gb@0, 1g.10gb@2, 1g.10gb@4, 1g.10gb@6");
  EXPECT_EQ(placed(g, {"7g.40gb"}), "7g.40gb@0");
  // mig-parted "all-balanced" for A100-40GB: 3g.20gb needs start 4 so that
  // 2g.10gb and both 1g.5gb fit in slices 0-3 (a first fit with 3g.20gb at 0
  // would leave the second 1g.5gb only slice 7, which 1g profiles cannot use).
  EXPECT_EQ(placed(g, {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"}), "3g.20gb@4, 2g.10gb@0, 1g.5gb@2, 1g.5gb@3");
  // Order does not matter for whether it fits; list order is kept.
  EXPECT_EQ(placed(g, {"1g.5gb", "4g.20gb"}), "1g.5gb@4, 4g.20gb@0");
  // Slice 7 is reachable by a 2-slice 1g.10gb at 6.
  EXPECT_EQ(placed(g, {"1g.10gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb"}),
            "1g.10gb@6, 1g.5gb@0, 1g.5gb@1, 1g.5gb@2, 1g.5gb@3, 1g.5gb@4, 1g.5gb@5");
  // One media-extension instance among plain 1g instances.
  EXPECT_EQ(placed(g, {"1g.5gb+me", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb"}),
            "1g.5gb+me@0, 1g.5gb@1, 1g.5gb@2, 1g.5gb@3, 1g.5gb@4, 1g.5gb@5, 1g.5gb@6");
  // Pinned starts are kept.
  EXPECT_EQ(placed(g, {"1g.5gb@6", "3g.20gb"}), "1g.5gb@6, 3g.20gb@0");
  EXPECT_EQ(placed(g, {}), "");
}

TEST(MigPlacement, InvalidLayoutsOnA100_40gb) {
  const MigGpu& g = a100_40();
  EXPECT_EQ(placed(g, {"4g.20gb", "4g.20gb"}),
            "error: 2 instances of 4g.20gb, but an A100-SXM4-40GB allows at most 1");
  EXPECT_EQ(placed(g, times("1g.5gb", 8)), "error: 8 instances of 1g.5gb, but an A100-SXM4-40GB allows at most 7");
  EXPECT_EQ(placed(g, times("1g.10gb", 5)), "error: 5 instances of 1g.10gb, but an A100-SXM4-40GB allows at most 4");
  EXPECT_EQ(placed(g, {"1g.5gb+me", "1g.5gb+me"}),
            "error: 2 instances of 1g.5gb+me, but an A100-SXM4-40GB allows at most 1");
  EXPECT_EQ(placed(g, {"7g.40gb", "1g.5gb"}),
            "error: 7g.40gb + 1g.5gb need 8 compute slices, but an A100-SXM4-40GB has 7");
  EXPECT_EQ(placed(g, {"7g.40gb", "1g.5gb+me"}),
            "error: 7g.40gb + 1g.5gb+me need 8 compute slices, but an A100-SXM4-40GB has 7");
  EXPECT_EQ(placed(g, {"2g.10gb", "2g.10gb", "2g.10gb", "3g.20gb"}),
            "error: 2g.10gb x3 + 3g.20gb need 9 compute slices, but an A100-SXM4-40GB has 7");
  EXPECT_EQ(placed(g, {"3g.20gb", "3g.20gb", "1g.5gb"}),
            "error: 3g.20gb x2 + 1g.5gb need 9 memory slices, but an A100-SXM4-40GB has 8");
  EXPECT_EQ(placed(g, {"4g.20gb", "1g.10gb", "1g.10gb", "1g.10gb"}),
            "error: 4g.20gb + 1g.10gb x3 need 10 memory slices, but an A100-SXM4-40GB has 8");
  // Within the slice totals, but 4g.20gb takes slices 0-3 and the pinned
  // 1g.5gb slice 4, so 2g.10gb (0, 2 or 4) has nowhere to go.
  EXPECT_EQ(placed(g, {"4g.20gb", "2g.10gb", "1g.5gb@4"}),
            "error: 4g.20gb + 2g.10gb + 1g.5gb@4 do not fit on an A100-SXM4-40GB: no choice of allowed starts keeps "
            "their memory slices apart (4g.20gb starts at 0; 2g.10gb starts at 0, 2 or 4)");
  EXPECT_EQ(placed(g, {"2g.10gb@1"}),
            "error: 2g.10gb cannot start at memory slice 1 of an A100-SXM4-40GB; its allowed starts are 0, 2 or 4");
  EXPECT_EQ(placed(g, {"1g.5gb@7"}),
            "error: 1g.5gb cannot start at memory slice 7 of an A100-SXM4-40GB; its allowed starts are 0-6");
  EXPECT_EQ(placed(g, {"3g.20gb@0", "4g.20gb@0"}),
            "error: 3g.20gb@0 and 4g.20gb@0 overlap on memory slices 0-3 of an A100-SXM4-40GB");
}

TEST(MigPlacement, EntryErrorsNameTheEntry) {
  const MigGpu& g = a100_40();
  auto p = place_mig(g, {"3g.20gb", "3g.40gb"});
  EXPECT_EQ(p.entry, 1);
  EXPECT_EQ(p.error,
            "3g.40gb is not a MIG profile of an A100-SXM4-40GB (it is a profile of the A100-80GB and H100-80GB); expected "
            "one of 1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb");
  p = place_mig(g, {"3g.20g"});
  EXPECT_EQ(p.entry, 0);
  EXPECT_EQ(p.error,
            "3g.20g is not a MIG profile of an A100-SXM4-40GB (did you mean '3g.20gb'?); expected one of 1g.5gb, "
            "1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb");
  p = place_mig(g, {"1g.5gb", "3g.20gb@x"});
  EXPECT_EQ(p.entry, 1);
  EXPECT_EQ(p.error, "expected a memory slice 0-7 after '@' (3g.20gb@0), got '3g.20gb@x'");
  p = place_mig(g, {"@4"});
  EXPECT_EQ(p.error, "expected a MIG profile name such as 3g.20gb, got '@4'");
  p = place_mig(g, {"1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb"});
  EXPECT_EQ(p.entry, -1);  // about the whole list
}

// G4.1 (A100-80GB): {3g.40gb@0, 2g.20gb@4, 1g.10gb@6} leaves only slice 7,
// where no 1g profile may start. Re-placed from scratch the same four fit
// (mig-parted's all-balanced for 80 GB parts: 3g.40gb + 2g.20gb + 1g.10gb x2).
TEST(MigPlacement, Gold41_A100_80gb) {
  const MigGpu& g = a100_80();
  EXPECT_EQ(placed(g, {"3g.40gb", "2g.20gb", "1g.10gb"}), "3g.40gb@0, 2g.20gb@4, 1g.10gb@6");
  EXPECT_EQ(placed(g, {"3g.40gb@0", "2g.20gb@4", "1g.10gb@6", "1g.10gb"}),
            "error: 3g.40gb@0 + 2g.20gb@4 + 1g.10gb@6 + 1g.10gb do not fit on an A100-80GB: no choice of allowed "
            "starts keeps their memory slices apart (1g.10gb starts at 0-6)");
  EXPECT_EQ(mig_layout_error(g, layout({{"3g.40gb", 0}, {"2g.20gb", 4}, {"1g.10gb", 6}, {"1g.10gb", 7}})),
            "1g.10gb cannot start at memory slice 7 of an A100-80GB; its allowed starts are 0-6");
  EXPECT_EQ(placed(g, {"3g.40gb", "2g.20gb", "1g.10gb", "1g.10gb"}), "3g.40gb@4, 2g.20gb@0, 1g.10gb@2, 1g.10gb@3");
}

// G4.2 (H100-80GB): two 3g.40gb fit at 0 and 4; a third exceeds the count.
TEST(MigPlacement, Gold42_H100) {
  EXPECT_EQ(placed(h100(), {"3g.40gb", "3g.40gb"}), "3g.40gb@0, 3g.40gb@4");
  EXPECT_EQ(placed(h100(), times("3g.40gb", 3)), "error: 3 instances of 3g.40gb, but an H100-80GB allows at most 2");
  EXPECT_EQ(placed(h100(), times("1g.20gb", 4)), "1g.20gb@0, 1g.20gb@2, 1g.20gb@4, 1g.20gb@6");
  EXPECT_EQ(placed(h100(), {"1g.5gb"}),
            "error: 1g.5gb is not a MIG profile of an H100-80GB (it is a profile of the A100-SXM4-40GB); expected one "
            "of 1g.10gb, 1g.10gb+me, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb");
}

// G4.3: 4g.20gb may start only at 0.
TEST(MigLayoutCheck, Gold43AndExplicitLayouts) {
  const MigGpu& g = a100_40();
  EXPECT_EQ(mig_layout_error(g, layout({{"4g.20gb", 0}, {"4g.20gb", 4}})),
            "4g.20gb cannot start at memory slice 4 of an A100-SXM4-40GB; its allowed starts are 0");
  EXPECT_EQ(mig_layout_error(g, layout({{"4g.20gb", 0}, {"3g.20gb", 4}})), "");
  EXPECT_EQ(mig_layout_error(g, layout({{"3g.20gb", 4}, {"2g.10gb", 0}, {"1g.5gb", 2}, {"1g.5gb", 3}})), "");
  EXPECT_EQ(mig_layout_error(g, layout({{"2g.10gb", 0}, {"1g.5gb", 1}})),
            "2g.10gb@0 and 1g.5gb@1 overlap on memory slice 1 of an A100-SXM4-40GB");
  EXPECT_EQ(mig_layout_error(g, layout({{"7g.40gb", 0}, {"1g.5gb", 6}})),
            "7g.40gb@0 + 1g.5gb@6 need 8 compute slices, but an A100-SXM4-40GB has 7");
  EXPECT_EQ(mig_layout_error(g, layout({{"1g.20gb", 0}})),
            "1g.20gb is not a MIG profile of an A100-SXM4-40GB (it is a profile of the A100-80GB and H100-80GB); expected "
            "one of 1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb");
  EXPECT_EQ(mig_layout_error(g, layout({{"2g.10gb", -1}})),
            "2g.10gb cannot start at memory slice -1 of an A100-SXM4-40GB; its allowed starts are 0, 2 or 4");
  EXPECT_EQ(mig_layout_error(g, layout({})), "");
}

// place_mig finds a placement exactly when one exists: every multiset of
// profiles that some explicit layout realises is placed, every other one within
// the per-profile counts is refused.
TEST(MigPlacement, FindsAPlacementWheneverOneExists) {
  for (const MigGpu& g : mig_gpus()) {
    SCOPED_TRACE(g.name);
    const auto n = g.profiles.size();
    // Realisable multisets (counts per profile), from all explicit layouts.
    std::set<std::vector<int>> realisable;
    std::vector<int> counts(n, 0);
    MigLayout l;
    std::function<void(std::size_t, int, std::uint8_t)> explore = [&](std::size_t from, int from_start, std::uint8_t used) {
      realisable.insert(counts);
      for (std::size_t i = from; i < n; ++i) {
        const MigProfile& p = g.profiles[i];
        for (int s = i == from ? from_start : 0; s < kMigMemorySlices; ++s) {
          if (!p.may_start_at(s) || (p.memory_mask(s) & used)) continue;
          l.instances.push_back({std::string(p.name), s});
          if (mig_layout_error(g, l).empty()) {
            ++counts[i];
            explore(i, s + 1, static_cast<std::uint8_t>(used | p.memory_mask(s)));
            --counts[i];
          }
          l.instances.pop_back();
        }
      }
    };
    explore(0, 0, 0);
    // Every multiset within the counts.
    int checked = 0, valid = 0;
    std::function<void(std::size_t)> each = [&](std::size_t i) {
      if (i == n) {
        std::vector<std::string> names;
        for (std::size_t k = n; k-- > 0;)  // smallest profiles first: the hardest order
          for (int c = 0; c < counts[k]; ++c) names.emplace_back(g.profiles[k].name);
        auto p = place_mig(g, names);
        EXPECT_EQ(p.ok(), realisable.count(counts) == 1) << join(names, ", ");
        if (p.ok()) {
          EXPECT_EQ(mig_layout_error(g, p.layout), "");
          ++valid;
        }
        ++checked;
        return;
      }
      for (int c = 0; c <= g.profiles[i].max_count; ++c) {
        counts[i] = c;
        each(i + 1);
      }
      counts[i] = 0;
    };
    each(0);
    EXPECT_EQ(checked, 8 * 2 * 5 * 4 * 3 * 2 * 2);
    EXPECT_EQ(valid, static_cast<int>(realisable.size()));
    EXPECT_EQ(valid, 128);  // counted independently by brute force over all starts (empty layout included)
  }
}

TEST(MigStrategy, ResourceNames) {
  EXPECT_EQ(mig_resource_name("3g.20gb"), "nvidia.com/mig-3g.20gb");
  EXPECT_EQ(mig_resource_name("1g.5gb+me"), "nvidia.com/mig-1g.5gb.me");
  EXPECT_EQ(mig_resource_name("1g.10gb+me"), "nvidia.com/mig-1g.10gb.me");
  EXPECT_STREQ(to_string(MigStrategy::single), "single");
  EXPECT_STREQ(to_string(MigStrategy::mixed), "mixed");
}

// G4.1: mixed on A100-80GB advertises one resource per profile.
TEST(MigStrategy, MixedCountsEachProfile) {
  auto a = mig_advertised(MigStrategy::mixed, a100_80(), "n1",
                          {layout({{"3g.40gb", 0}, {"2g.20gb", 4}, {"1g.10gb", 6}})});
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.resources, (ExtendedResources{{"nvidia.com/mig-1g.10gb", 1},
                                            {"nvidia.com/mig-2g.20gb", 1},
                                            {"nvidia.com/mig-3g.40gb", 1}}));
  // Whole GPUs stay nvidia.com/gpu; an enabled GPU with no instances adds nothing;
  // +me is its own resource.
  a = mig_advertised(MigStrategy::mixed, a100_80(), "n1",
                     {layout({{"3g.40gb", 4}, {"2g.20gb", 0}, {"1g.10gb", 2}, {"1g.10gb", 3}}), std::nullopt,
                      layout({}), layout({{"1g.10gb+me", 0}, {"1g.10gb", 1}}), std::nullopt});
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.resources, (ExtendedResources{{"nvidia.com/gpu", 2},
                                            {"nvidia.com/mig-1g.10gb", 3},
                                            {"nvidia.com/mig-1g.10gb.me", 1},
                                            {"nvidia.com/mig-2g.20gb", 1},
                                            {"nvidia.com/mig-3g.40gb", 1}}));
}

// G4.5: single, 8 x A100-40GB all-1g.5gb -> nvidia.com/gpu: 56.
TEST(MigStrategy, SingleAdvertisesEveryDeviceAsGpu) {
  std::vector<std::optional<MigLayout>> node;
  auto seven = place_mig(a100_40(), times("1g.5gb", 7)).layout;
  for (int i = 0; i < 8; ++i) node.emplace_back(seven);
  auto a = mig_advertised(MigStrategy::single, a100_40(), "p4d-0", node);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.resources, (ExtendedResources{{"nvidia.com/gpu", 56}}));
  // The device plugin requires one device type, not equal counts per GPU.
  a = mig_advertised(MigStrategy::single, a100_40(), "n", {seven, layout({{"1g.5gb", 3}})});
  EXPECT_EQ(a.resources, (ExtendedResources{{"nvidia.com/gpu", 8}}));
  // No GPU MIG-enabled: as migStrategy none.
  a = mig_advertised(MigStrategy::single, a100_40(), "n", {std::nullopt, std::nullopt});
  EXPECT_EQ(a.resources, (ExtendedResources{{"nvidia.com/gpu", 2}}));
}

TEST(MigStrategy, SingleErrorsNameNodeAndGpu) {
  const MigGpu& g = a100_40();
  auto seven = place_mig(g, times("1g.5gb", 7)).layout;
  auto balanced = place_mig(g, {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"}).layout;
  auto two3g = place_mig(g, {"3g.20gb", "3g.20gb"}).layout;
  EXPECT_EQ(mig_advertised(MigStrategy::single, g, "p4d-3", {seven, std::nullopt}).error,
            "node p4d-3: migStrategy single needs MIG enabled on all GPUs or on none, but GPU 0 has it and GPU 1 "
            "does not");
  EXPECT_EQ(mig_advertised(MigStrategy::single, g, "p4d-3", {seven, layout({})}).error,
            "node p4d-3: migStrategy single needs at least one MIG device on every GPU, but GPU 1 has none");
  EXPECT_EQ(mig_advertised(MigStrategy::single, g, "p4d-3", {balanced}).error,
            "node p4d-3: migStrategy single needs one MIG profile on the whole node, but GPU 0 has 3g.20gb, "
            "2g.10gb and 1g.5gb (use mixed)");
  EXPECT_EQ(mig_advertised(MigStrategy::single, g, "p4d-3", {two3g, two3g, seven}).error,
            "node p4d-3: migStrategy single needs one MIG profile on the whole node, but GPU 0 has 3g.20gb and "
            "GPU 2 has 1g.5gb (use mixed)");
  // 1g.5gb+me is a different device type from 1g.5gb.
  EXPECT_EQ(mig_advertised(MigStrategy::single, g, "n", {layout({{"1g.5gb", 0}}), layout({{"1g.5gb+me", 0}})}).error,
            "node n: migStrategy single needs one MIG profile on the whole node, but GPU 0 has 1g.5gb and GPU 1 has "
            "1g.5gb+me (use mixed)");
  // An invalid layout is reported under either strategy.
  for (auto s : {MigStrategy::single, MigStrategy::mixed})
    EXPECT_EQ(mig_advertised(s, g, "n", {two3g, layout({{"4g.20gb", 0}, {"4g.20gb", 4}})}).error,
              "node n: GPU 1: 4g.20gb cannot start at memory slice 4 of an A100-SXM4-40GB; its allowed starts are 0");
}

TEST(MigSpec, ParsesAndAdvertisesPerNode) {
  auto spec = parse_mig_spec("mixed", {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"}, a100_40());
  EXPECT_EQ(spec.strategy, MigStrategy::mixed);
  EXPECT_EQ(spec.gpu, &a100_40());
  EXPECT_EQ(spec.layout.to_string(), "3g.20gb@4, 2g.10gb@0, 1g.5gb@2, 1g.5gb@3");
  EXPECT_EQ(mig_node_resources(spec, 8), (ExtendedResources{{"nvidia.com/mig-1g.5gb", 16},
                                                            {"nvidia.com/mig-2g.10gb", 8},
                                                            {"nvidia.com/mig-3g.20gb", 8}}));
  spec = parse_mig_spec("single", times("1g.5gb", 7), a100_40());
  EXPECT_EQ(mig_node_resources(spec, 8), (ExtendedResources{{"nvidia.com/gpu", 56}}));
  EXPECT_EQ(mig_node_resources(spec, 0), ExtendedResources{});

  InstanceType p5;
  p5.name = "p5.48xlarge";
  p5.gpu_model = "H100";
  p5.gpus = 8;
  p5.gpu_memory_gib = 80;
  spec = parse_mig_spec("mixed", {"3g.40gb", "3g.40gb"}, p5);
  EXPECT_EQ(spec.gpu->name, "H100-80GB");
  EXPECT_EQ(mig_node_resources(spec, p5.gpus), (ExtendedResources{{"nvidia.com/mig-3g.40gb", 16}}));
}

TEST(MigSpec, InputErrors) {
  const MigGpu& g = a100_40();
  EXPECT_EQ(spec_error("singel", {"1g.5gb"}, g),
            "mig.strategy: expected single or mixed (the NVIDIA device plugin's migStrategy; leave mig out for whole "
            "GPUs), got 'singel' (did you mean 'single'?)");
  EXPECT_EQ(spec_error("none", {"1g.5gb"}, g),
            "mig.strategy: expected single or mixed (the NVIDIA device plugin's migStrategy; leave mig out for whole "
            "GPUs), got 'none'");
  EXPECT_EQ(spec_error("mixed", {}, g),
            "mig.layout: expected a list of MIG profiles for one A100-SXM4-40GB, e.g. [3g.20gb, 2g.10gb, 1g.5gb, "
            "1g.5gb], got an empty list");
  EXPECT_EQ(spec_error("mixed", {}, h100()),
            "mig.layout: expected a list of MIG profiles for one H100-80GB, e.g. [3g.40gb, 2g.20gb, 1g.10gb, "
            "1g.10gb], got an empty list");
  EXPECT_EQ(spec_error("mixed", {"3g.20gb", "3g.40gb"}, g),
            "mig.layout[1]: 3g.40gb is not a MIG profile of an A100-SXM4-40GB (it is a profile of the A100-80GB and "
            "H100-80GB); expected one of 1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb");
  EXPECT_EQ(spec_error("mixed", {"4g.20gb", "4g.20gb"}, g),
            "mig.layout: 2 instances of 4g.20gb, but an A100-SXM4-40GB allows at most 1");
  EXPECT_EQ(spec_error("mixed", {"4g.20gb@0", "3g.20gb@0"}, g),
            "mig.layout: 4g.20gb@0 and 3g.20gb@0 overlap on memory slices 0-3 of an A100-SXM4-40GB");
  EXPECT_EQ(spec_error("mixed", {"2g.10gb@1"}, g),
            "mig.layout[0]: 2g.10gb cannot start at memory slice 1 of an A100-SXM4-40GB; its allowed starts are 0, "
            "2 or 4");
  EXPECT_EQ(spec_error("mixed", {"7g.40gb", "1g.5gb"}, g),
            "mig.layout: 7g.40gb + 1g.5gb need 8 compute slices, but an A100-SXM4-40GB has 7");
  EXPECT_EQ(spec_error("single", {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"}, g),
            "mig.layout: strategy single advertises every MIG device as nvidia.com/gpu, so the node may have one "
            "profile only; got 3g.20gb, 2g.10gb and 1g.5gb (use strategy mixed)");
  EXPECT_EQ(spec_error("single", {"3g.20gb", "3g.20gb"}, g), "");
  // The loader passes where the block is.
  EXPECT_EQ(spec_error("mixed", times("1g.5gb", 8), g, "cluster.yaml:12: cluster.pools[1].mig"),
            "cluster.yaml:12: cluster.pools[1].mig.layout: 8 instances of 1g.5gb, but an A100-SXM4-40GB allows at "
            "most 7");

  InstanceType g5;
  g5.name = "g5.xlarge";
  g5.gpu_model = "A10G";
  g5.gpus = 1;
  g5.gpu_memory_gib = 24;
  try {
    parse_mig_spec("mixed", {"1g.5gb"}, g5);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "mig: instance type g5.xlarge has A10G GPUs, which do not support MIG");
  }
}

}  // namespace
}  // namespace fleetsim::models
