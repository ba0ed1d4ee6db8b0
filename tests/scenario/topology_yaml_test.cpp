// The per-source `topology:` key: parsed, copied onto every job of its source,
// and rejected with file:line: field when a value is out of range.
#include <gtest/gtest.h>

#include <string>

#include "scenario/workload_yaml.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

const std::string kHead =
    "workload:\n"
    "  - name: train\n"
    "    synthetic:\n"
    "      count: 20\n"
    "      arrivals: {rate: 1/h}\n"
    "      duration: {distribution: exponential, mean: 1h}\n"
    "      shapes: [{gpus_per_pod: 4}]\n";

std::vector<WorkloadSource> parse(const std::string& yaml) {
  return parse_workload(YAML::Load(yaml)["workload"], "s.yaml", "");
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(TopologyYaml, ParsedAndCopiedOntoEveryJob) {
  const auto sources = parse(kHead + "    topology: {pcie_slowdown: 0.3, cross_node_slowdown: 0.6}\n");
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].topology.pcie_slowdown, 0.3);
  EXPECT_EQ(sources[0].topology.cross_node_slowdown, 0.6);
  const auto jobs = materialize_workload(sources, sim::RngStreams(1), {});
  ASSERT_EQ(jobs.size(), 20u);
  for (const auto& j : jobs) {
    EXPECT_EQ(j.topology.pcie_slowdown, 0.3);
    EXPECT_EQ(j.topology.cross_node_slowdown, 0.6);
  }
}

TEST(TopologyYaml, DefaultsToNoSlowdown) {
  auto s = parse(kHead)[0].topology;
  EXPECT_FALSE(s.any());
  s = parse(kHead + "    topology: {cross_node_slowdown: 0.5}\n")[0].topology;
  EXPECT_EQ(s.pcie_slowdown, 0);
  EXPECT_EQ(s.cross_node_slowdown, 0.5);
}

TEST(TopologyYaml, BadValuesNameFileLineAndField) {
  EXPECT_EQ(error_of(kHead + "    topology: {pcie_slowdown: -0.3}\n"),
            "s.yaml:8: workload[0].topology.pcie_slowdown: expected a number in [0, 100], got '-0.3'");
  EXPECT_EQ(error_of(kHead + "    topology:\n      cross_node_slowdown: lots\n"),
            "s.yaml:9: workload[0].topology.cross_node_slowdown: expected a number in [0, 100], got 'lots'");
  EXPECT_EQ(error_of(kHead + "    topology: {pcie: 0.3}\n").rfind("s.yaml:8: workload[0].topology.pcie: unknown key", 0),
            0u);
}

}  // namespace
}  // namespace fleetsim::scenario
