// Every shipped sweep spec (sweeps/*.yaml and bench/sweep-*.yaml) plans (each
// point's scenario loads and its jobs fit) and its first run runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/sweep_runner.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> shipped_specs() {
  std::vector<std::string> out;
  const fs::path root(FLEETSIM_SOURCE_DIR);
  for (const auto& e : fs::directory_iterator(root / "sweeps"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  for (const auto& e : fs::directory_iterator(root / "bench"))
    if (e.path().extension() == ".yaml" && e.path().filename().string().rfind("sweep-", 0) == 0)
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedSweeps, PlanAndRunTheirFirstRun) {
  const auto specs = shipped_specs();
  ASSERT_GE(specs.size(), 2u);
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec);
    const auto plan = analysis::plan_sweep(spec, 2);
    EXPECT_EQ(plan.spec.name, fs::path(spec).stem().string());
    ASSERT_GT(plan.design.runs(), 0u);
    const auto r = analysis::run_point(plan, 0);
    EXPECT_FALSE(r.metrics.empty());
  }
}

}  // namespace
}  // namespace fleetsim
