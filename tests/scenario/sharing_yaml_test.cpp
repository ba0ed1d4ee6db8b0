// A pool's sharing: block and the shapes that ask for shared GPUs: every
// mistake names the file, line and field and says what was expected.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

std::string pool_yaml(const std::string& pool, const std::string& extra = "") {
  return "name: s\n" + extra + "cluster:\n  pools:\n    - name: p\n" + pool +
         "workload:\n  - name: w\n    synthetic:\n      count: 1\n      arrivals: {rate: 1/h}\n"
         "      duration: {distribution: exponential, mean: 1h}\n"
         "      shapes: [{weight: 1, gpus_per_pod: 1}]\n";
}

std::string error_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "s.yaml", "");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SharingYaml, ParsesEachMode) {
  auto sharing = [](const std::string& block, const std::string& type = "p4d.24xlarge") {
    return parse_scenario(pool_yaml("      instance_type: " + type + "\n      count: 1\n      sharing: " + block + "\n"),
                          "s.yaml", "")
        .pools[0]
        .sharing;
  };
  const auto ts = sharing("{mode: time-slicing, replicas: 4}");
  EXPECT_EQ(ts.mode, models::SharingMode::time_slicing);
  EXPECT_EQ(ts.replicas, 4);
  EXPECT_DOUBLE_EQ(ts.context_switch_overhead, 0.05);
  const auto mps = sharing("{mode: mps, replicas: 4}");
  EXPECT_EQ(mps.mps_memory_limit_mib, 40 * 1024 / 4);
  EXPECT_DOUBLE_EQ(mps.context_switch_overhead, 0);
  const auto mig = sharing("{mode: mig, strategy: single, layout: [2g.10gb, 2g.10gb, 2g.10gb]}");
  EXPECT_EQ(mig.mode, models::SharingMode::mig);
  EXPECT_EQ(mig.mig.layout.to_string(), "2g.10gb@0, 2g.10gb@2, 2g.10gb@4");
  EXPECT_EQ(sharing("{mode: fractional}", "g5.xlarge").mode, models::SharingMode::fractional);
}

TEST(SharingYaml, MistakesNameTheField) {
  const std::string p4d = "      instance_type: p4d.24xlarge\n      count: 1\n";
  EXPECT_EQ(error_of(pool_yaml(p4d + "      sharing: {mode: timeslicing, replicas: 4}\n")),
            "s.yaml:7: cluster.pools[0].sharing.mode: expected one of time-slicing, mps, fractional, mig (did you "
            "mean 'time-slicing'?), got 'timeslicing'");
  EXPECT_EQ(error_of(pool_yaml(p4d + "      sharing: {replicas: 4}\n")),
            "s.yaml:7: cluster.pools[0].sharing.mode: expected a sharing mode: time-slicing, mps, fractional or mig, "
            "got a mapping");
  EXPECT_EQ(error_of(pool_yaml(p4d + "      sharing: {mode: fractional, replicas: 4}\n")),
            "s.yaml:7: cluster.pools[0].sharing.replicas: expected no replicas with mode fractional (it is for "
            "time-slicing and mps; fractional pods take gpu_milli of a GPU), got '4'");
  EXPECT_EQ(error_of(pool_yaml(p4d + "      sharing: {mode: time-slicing, replicas: 1}\n")),
            "s.yaml:7: cluster.pools[0].sharing.replicas: expected an integer in [2, 1000], got '1'");
  EXPECT_EQ(error_of(pool_yaml(p4d + "      sharing: {mode: mig, layout: [3g.20gb, 3g.40gb]}\n")),
            "s.yaml:7: cluster.pools[0].sharing.layout[1]: 3g.40gb is not a MIG profile of an A100-SXM4-40GB (it is "
            "a profile of the A100-80GB and H100-80GB); expected one of 1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, "
            "3g.20gb, 4g.20gb, 7g.40gb");
  EXPECT_EQ(error_of(pool_yaml("      instance_type: g5.xlarge\n      count: 1\n      sharing: {mode: mig}\n")),
            "s.yaml:7: cluster.pools[0].sharing: instance type g5.xlarge has A10G GPUs, which do not support MIG");
  EXPECT_EQ(error_of(pool_yaml(p4d + "      max: 3\n      sharing: {mode: time-slicing, replicas: 2}\n",
                               "provisioning: cluster-autoscaler\n")),
            "s.yaml:5: cluster.pools[0]: GPU sharing (time-slicing) needs provisioning: static; the "
            "cluster-autoscaler provisioner does not simulate shared GPUs yet");
}

TEST(SharingYaml, AShapeAsksForOneKindOfGpu) {
  std::string yaml = pool_yaml("      instance_type: p4d.24xlarge\n      count: 1\n");
  yaml.replace(yaml.find("gpus_per_pod: 1"), 15, "gpus_per_pod: 1, mig_profile: 1g.5gb");
  EXPECT_EQ(error_of(yaml),
            "s.yaml:13: workload[0].synthetic.shapes[0].mig_profile: expected one GPU request per shape: "
            "gpus_per_pod (whole GPUs or replicas), gpu_milli (a share of one GPU) or mig_profile (one MIG "
            "instance), got '1g.5gb'");
}

}  // namespace
}  // namespace fleetsim::scenario
