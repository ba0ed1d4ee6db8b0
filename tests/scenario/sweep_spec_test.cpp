// Bad sweep specs are rejected with the spec's file, line and field.
#include <gtest/gtest.h>

#include <string>

#include "analysis/sweep_runner.hpp"
#include "scenario/sweep_spec.hpp"
#include "tests/analysis/sweep_fixture.hpp"
#include "util/input_error.hpp"

namespace fleetsim {
namespace {

std::string parse_error(const std::string& yaml) {
  try {
    scenario::parse_sweep_spec(yaml, "spec.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kHead = "scenario: s.yaml\n";

TEST(SweepSpec, ReadsAGridSpec) {
  auto s = scenario::parse_sweep_spec(
      kHead + "parameters:\n  - {path: scheduler.placement, values: [a, b]}\nseeds: [1, 2]\n", "dir/spec.yaml");
  EXPECT_EQ(s.name, "spec");
  EXPECT_EQ(s.scenario_path, "dir/s.yaml");
  EXPECT_EQ(s.design, scenario::SweepDesignKind::grid);
  ASSERT_EQ(s.parameters.size(), 1u);
  EXPECT_EQ(s.parameters[0].values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.seeds, (std::vector<std::uint64_t>{1, 2}));
}

TEST(SweepSpec, NamesFileLineAndField) {
  EXPECT_EQ(parse_error(kHead + "parameter:\n  - {path: a, values: [1]}\nseeds: 1\n"),
            "spec.yaml:2: parameter: unknown key (did you mean 'parameters'?); valid keys here: name, scenario, set, "
            "design, samples, seed, parameters, baseline, sequential, seeds");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, values: [1]}\n"),
            "spec.yaml:1: seeds: missing required key");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, range: [0, 1]}\nseeds: 1\n"),
            "spec.yaml:3: parameters[0].range: expected values: [...] (a grid lists its values; range: needs design: "
            "random or lhs), got a list");
  EXPECT_EQ(parse_error(kHead + "design: lhs\nsamples: 4\nparameters:\n  - {path: a, range: [3, 1]}\nseeds: 1\n"),
            "spec.yaml:5: parameters[0].range: expected [lo, hi] with lo < hi, got a list");
  EXPECT_EQ(parse_error(kHead + "design: lhs\nparameters:\n  - {path: a, range: [0, 1]}\nseeds: 1\n"),
            "spec.yaml:1: samples: missing required key");
  EXPECT_EQ(parse_error(kHead + "design: latin\nparameters:\n  - {path: a, values: [1]}\nseeds: 1\n"),
            "spec.yaml:2: design: expected one of grid, random, lhs, got 'latin'");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: seed, values: [1, 2]}\nseeds: 1\n"),
            "spec.yaml:3: parameters[0].path: expected a scenario path other than seed (list seeds under seeds:), got "
            "'seed'");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, values: [1]}\n  - {path: a, values: [2]}\nseeds: 1\n"),
            "spec.yaml:4: parameters[1].path: expected a path not varied by another parameter, got 'a'");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, values: [1]}\nseeds: [1, x]\n"),
            "spec.yaml:4: seeds[1]: expected a seed: an integer >= 0, got 'x'");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, values: []}\nseeds: 1\n"),
            "spec.yaml:3: parameters[0].values: expected a non-empty list of values, got a list");
  EXPECT_EQ(parse_error(kHead + "design: random\nsamples: 4\nparameters:\n  - {path: a, range: [0, x]}\nseeds: 1\n"),
            "spec.yaml:5: parameters[0].range: expected [lo, hi]: two numbers, got 'x'");
  EXPECT_EQ(
      parse_error(kHead + "design: random\nsamples: 4\nparameters:\n  - {path: a, range: [0, 2.5], integer: true}\n"
                          "seeds: 1\n"),
      "spec.yaml:5: parameters[0].range: expected whole numbers at both ends (integer: true), got a list");
  EXPECT_EQ(parse_error(kHead + "parameters:\n  - {path: a, values: [1], range: [0, 1]}\nseeds: 1\n"),
            "spec.yaml:3: parameters[0].range: expected values: [...] or range: [lo, hi], one of the two, got a list");
  const std::string grid = kHead + "parameters:\n  - {path: a, values: [1, 2]}\n  - {path: b, values: [x, y]}\n";
  EXPECT_EQ(parse_error(grid + "baseline: {a: 1}\nseeds: 1\n"), "spec.yaml:5: baseline.b: missing required key");
  EXPECT_EQ(parse_error(grid + "baseline: {a: 3, b: x}\nseeds: 1\n"),
            "spec.yaml:5: baseline.a: expected one of the parameter's values (1, 2), got '3'");
  EXPECT_EQ(parse_error(grid + "baseline: {a: 1, b: x, c: 2}\nseeds: 1\n"),
            "spec.yaml:5: baseline.c: unknown key (did you mean 'a'?); valid keys here: a, b");
  EXPECT_EQ(parse_error(kHead + "design: lhs\nsamples: 3\nparameters:\n  - {path: a, values: [1, 2]}\n"
                                "baseline: {a: 1}\nseeds: 1\n"),
            "spec.yaml:6: baseline: expected no baseline: with design: random or lhs (a grid point to compare "
            "with), got a mapping");
  const std::string one = kHead + "parameters:\n  - {path: a, values: [1, 2]}\n";
  EXPECT_EQ(parse_error(one + "sequential: {metric: cost_usd, half_width: 5, relative: 0.1}\nseeds: 9\n"),
            "spec.yaml:4: sequential.relative: expected half_width: (in the metric's unit) or relative:, one of the "
            "two, got '0.1'");
  EXPECT_EQ(parse_error(one + "sequential: {metric: cost_usd, relative: 0.1, min_seeds: 12}\nseeds: 9\n"),
            "spec.yaml:4: sequential.min_seeds: expected an integer in [2, 9], got '12'");
  EXPECT_EQ(parse_error(one + "sequential: {metric: cost_usd, relative: 0.1}\nseeds: [4]\n"),
            "spec.yaml:5: seeds: expected at least 2 seeds with sequential: (the most a point may run), got a list");
  EXPECT_EQ(parse_error(kHead + "parameters: []\nseeds: 0\n"),
            "spec.yaml:2: parameters: expected a non-empty list of parameters, got a list");
}

// A value the scenario rejects is reported at its parameter's line, with the
// scenario's own message.
class SweepSpecValues : public testing_sweep::SweepFolder {};

TEST_F(SweepSpecValues, BadValueNamesItsParameterLine) {
  write("spec.yaml",
        "scenario: tiny.yaml\nparameters:\n  - {path: 'cluster.pools[0].count', values: [1, 2]}\n"
        "  - {path: scheduler.placement, values: [first-fit, best-fti]}\nseeds: 1\n");
  try {
    analysis::plan_sweep(path("spec.yaml"));
    FAIL() << "accepted an unknown placement";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(path("spec.yaml") + ":4: parameters[1]: scheduler.placement=best-fti: ", 0), 0u) << m;
    EXPECT_NE(m.find("best-fit"), std::string::npos) << m;  // the scenario's did-you-mean
  }
}

// Points are checked on several threads; the first bad point is reported, always the same.
TEST_F(SweepSpecValues, FirstPointThatCannotRunIsNamed) {
  write("spec.yaml",
        "scenario: tiny.yaml\nparameters:\n"
        "  - {path: 'workload[0].synthetic.shapes[0].gpus_per_pod', values: [1, 2, 4]}\n"
        "  - {path: scheduler.placement, values: [first-fit, spread]}\nseeds: 1\n");
  for (int attempt = 0; attempt < 3; ++attempt) try {
      analysis::plan_sweep(path("spec.yaml"), 2);
      FAIL() << "accepted jobs that fit no node";
    } catch (const InputError& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.rfind(path("spec.yaml") + ": point 2 (workload[0].synthetic.shapes[0].gpus_per_pod=2, "
                                            "scheduler.placement=first-fit): ",
                        0),
                0u)
          << m;
    }
}

TEST_F(SweepSpecValues, MissingScenarioIsNamed) {
  write("spec.yaml",
        "scenario: nowhere.yaml\nparameters:\n  - {path: scheduler.placement, values: [spread]}\nseeds: 1\n");
  try {
    analysis::plan_sweep(path("spec.yaml"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.yaml: cannot open scenario file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fleetsim
