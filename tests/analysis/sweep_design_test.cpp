// Sweep designs: grid order, Latin hypercube strata, seeded random samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "analysis/sweep_design.hpp"
#include "scenario/sweep_spec.hpp"

namespace fleetsim {
namespace {

scenario::SweepSpec spec(const std::string& yaml) { return scenario::parse_sweep_spec(yaml, "spec.yaml"); }

TEST(SweepDesign, GridIsEveryCombinationFirstParameterSlowest) {
  auto d = analysis::make_design(spec("scenario: s.yaml\n"
                                      "parameters:\n"
                                      "  - {path: scheduler.placement, values: [first-fit, best-fit]}\n"
                                      "  - {path: 'cluster.pools[0].count', values: [2, 4, 8]}\n"
                                      "seeds: 2\n"),
                                 40);
  ASSERT_EQ(d.points.size(), 6u);
  EXPECT_EQ(d.points[0], (std::vector<std::string>{"first-fit", "2"}));
  EXPECT_EQ(d.points[2], (std::vector<std::string>{"first-fit", "8"}));
  EXPECT_EQ(d.points[3], (std::vector<std::string>{"best-fit", "2"}));
  EXPECT_EQ(d.seeds, (std::vector<std::uint64_t>{40, 41}));
  EXPECT_EQ(d.runs(), 12u);
  EXPECT_EQ(d.point_of(5), 2u);
  EXPECT_EQ(d.seed_of(5), 41u);
  EXPECT_EQ(d.assignments(4), (std::vector<std::string>{"scheduler.placement=best-fit", "cluster.pools[0].count=4"}));
  EXPECT_FALSE(d.baseline);
}

TEST(SweepDesign, BaselineIsTheNamedGridPoint) {
  auto d = analysis::make_design(spec("scenario: s.yaml\n"
                                      "parameters:\n"
                                      "  - {path: scheduler.placement, values: [first-fit, best-fit]}\n"
                                      "  - {path: 'cluster.pools[0].count', values: [2, 4, 8]}\n"
                                      "baseline: {scheduler.placement: best-fit, 'cluster.pools[0].count': 4}\n"
                                      "seeds: 2\n"),
                                 1);
  ASSERT_TRUE(d.baseline);
  EXPECT_EQ(*d.baseline, 4u);
}

TEST(SweepDesign, GridValuesKeepYamlStructure) {
  auto d = analysis::make_design(spec("scenario: s.yaml\n"
                                      "parameters:\n"
                                      "  - path: 'cluster.pools[0].sharing'\n"
                                      "    values: [null, {mode: time-slicing, replicas: 4}]\n"
                                      "seeds: [3, 9]\n"),
                                 1);
  ASSERT_EQ(d.points.size(), 2u);
  EXPECT_EQ(d.points[0][0], "null");
  EXPECT_EQ(d.points[1][0], "{mode: time-slicing, replicas: 4}");
  EXPECT_EQ(d.seeds, (std::vector<std::uint64_t>{3, 9}));
}

TEST(SweepDesign, LatinHypercubeHitsEachStratumOncePerDimension) {
  const std::size_t n = 37;
  auto u = analysis::latin_hypercube(n, {"a", "b", "c", "d"}, 5);
  ASSERT_EQ(u.size(), n);
  for (std::size_t dim = 0; dim < 4; ++dim) {
    std::set<std::size_t> strata;
    for (const auto& row : u) {
      ASSERT_GE(row[dim], 0.0);
      ASSERT_LT(row[dim], 1.0);
      strata.insert(static_cast<std::size_t>(row[dim] * n));
    }
    EXPECT_EQ(strata.size(), n) << "dimension " << dim;
  }
  // Not the identity permutation in every dimension: the columns are shuffled independently.
  std::size_t same = 0;
  for (const auto& row : u) same += static_cast<std::size_t>(row[0] * n) == static_cast<std::size_t>(row[1] * n);
  EXPECT_LT(same, n / 2);
}

TEST(SweepDesign, LhsOverRangesKeepsStrataAndIsSeeded) {
  const std::string text =
      "scenario: s.yaml\ndesign: lhs\nsamples: 20\nseed: 11\n"
      "parameters:\n"
      "  - {path: a, range: [0, 100]}\n"
      "  - {path: b, range: [-1, 1]}\n"
      "seeds: 1\n";
  auto d = analysis::make_design(spec(text), 1);
  ASSERT_EQ(d.points.size(), 20u);
  std::set<int> a, b;
  for (const auto& p : d.points) {
    a.insert(static_cast<int>(std::stod(p[0]) / 100 * 20));
    b.insert(static_cast<int>((std::stod(p[1]) + 1) / 2 * 20));
  }
  EXPECT_EQ(a.size(), 20u);
  EXPECT_EQ(b.size(), 20u);
  EXPECT_EQ(analysis::make_design(spec(text), 1).points, d.points);
  auto other = text;
  other.replace(other.find("seed: 11"), 8, "seed: 12");
  EXPECT_NE(analysis::make_design(spec(other), 1).points, d.points);
}

TEST(SweepDesign, AddingAParameterKeepsTheOthersDraws) {
  const std::string one =
      "scenario: s.yaml\ndesign: random\nsamples: 8\n"
      "parameters:\n  - {path: a, range: [0, 1]}\nseeds: 1\n";
  const std::string two =
      "scenario: s.yaml\ndesign: random\nsamples: 8\n"
      "parameters:\n  - {path: z, range: [0, 1]}\n  - {path: a, range: [0, 1]}\nseeds: 1\n";
  auto d1 = analysis::make_design(spec(one), 1), d2 = analysis::make_design(spec(two), 1);
  for (std::size_t p = 0; p < 8; ++p) EXPECT_EQ(d1.points[p][0], d2.points[p][1]);
}

TEST(SweepDesign, RandomIntegersAndChoicesStayInRange) {
  auto d = analysis::make_design(spec("scenario: s.yaml\ndesign: random\nsamples: 400\n"
                                      "parameters:\n"
                                      "  - {path: n, range: [2, 5], integer: true}\n"
                                      "  - {path: p, values: [x, y, z]}\n"
                                      "seeds: 1\n"),
                                 1);
  std::set<std::string> n, p;
  for (const auto& point : d.points) {
    n.insert(point[0]);
    p.insert(point[1]);
  }
  EXPECT_EQ(n, (std::set<std::string>{"2", "3", "4", "5"}));
  EXPECT_EQ(p, (std::set<std::string>{"x", "y", "z"}));
}

TEST(SweepDesign, NumberTextRoundTrips) {
  EXPECT_EQ(analysis::number_text(12), "12");
  EXPECT_EQ(analysis::number_text(0.1), "0.1");
  const double x = 1.0 / 3;
  EXPECT_EQ(std::stod(analysis::number_text(x)), x);
}

}  // namespace
}  // namespace fleetsim
