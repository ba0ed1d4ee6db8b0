#pragma once
// A tiny scenario and sweep spec in a fresh temporary folder, for sweep tests:
// two one-GPU nodes and 12 short jobs, so a run takes about a millisecond.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fleetsim::testing_sweep {

inline const char* kTinyScenario =
    "name: tiny\nseed: 5\n"
    "cluster:\n  pools:\n    - {name: g, instance_type: g5.xlarge, count: 2}\n"
    "workload:\n"
    "  - name: w\n"
    "    synthetic:\n"
    "      count: 12\n"
    "      arrivals: {rate: 4/h}\n"
    "      duration: {distribution: exponential, mean: 30m}\n"
    "      shapes:\n"
    "        - {weight: 1, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 1000, memory_mib_per_pod: 1024}\n"
    "      teams:\n"
    "        - {name: a, weight: 1}\n"
    "        - {name: b, weight: 1}\n";

// A grid of placement x node count, three seeds: 12 runs.
inline const char* kTinySpec =
    "name: tiny-sweep\n"
    "scenario: tiny.yaml\n"
    "parameters:\n"
    "  - {path: scheduler.placement, values: [first-fit, spread]}\n"
    "  - {path: 'cluster.pools[0].count', values: [1, 2]}\n"
    "seeds: 3\n";

class SweepFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = ::testing::TempDir() + "sweep_" + info->test_suite_name() + "_" + info->name() + "_" +
           std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write("tiny.yaml", kTinyScenario);
    write("spec.yaml", kTinySpec);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ + "/" + name) << text; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
};

}  // namespace fleetsim::testing_sweep
