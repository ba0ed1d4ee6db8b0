// GPU utilization next to allocation: jobs state how busy they keep their GPUs
// (a trace column, or a per-source value or distribution), and the summary
// reports busy GPU time over provisioned GPU time as DCGM would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "util/input_error.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

std::string write_trace(const std::string& rows) {
  const std::string path = ::testing::TempDir() + "util_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << rows;
  return path;
}

analysis::Summary run(const std::string& workload) {
  const std::string yaml = "name: util\nseed: 1\nhorizon: 2h\ncluster:\n  pools:\n"
                           "    - {name: a100, instance_type: p4d.24xlarge, count: 2}\nworkload:\n" + workload;
  const auto s = scenario::parse_scenario(yaml, "util.yaml", "");
  sim::NullRecorder rec;
  return analysis::summarize(world::World(s, s.seed, rec).run());
}

TEST(Utilization, BusyOverProvisionedFromTraceColumn) {
  // Two 8-GPU jobs for 1 h on 2 x 8 GPUs over a 2 h horizon, 25% and 50% busy:
  // provisioned 16 x 2 = 32 GPU-h, allocated 16 GPU-h, busy 8 x 0.25 + 8 x 0.5 = 6.
  const std::string trace = write_trace("job_id,submit,duration,gpus,gpu_utilization\na,0,1h,8,0.25\nb,0,1h,8,0.5\n");
  const auto sum = run("  - {name: t, csv: " + trace + "}\n");
  EXPECT_DOUBLE_EQ(sum.gpu_allocation, 0.5);
  EXPECT_DOUBLE_EQ(sum.gpu_utilization, 6.0 / 32);
  EXPECT_DOUBLE_EQ(sum.allocated_gpu_utilization, 6.0 / 16);
  EXPECT_DOUBLE_EQ(sum.utilization_known, 1.0);
  EXPECT_DOUBLE_EQ(sum.usage_by_pool.at("a100").busy_gpu_hours, 6.0);
  std::filesystem::remove(trace);
}

TEST(Utilization, UnknownJobsLowerTheCoverageNotTheFigure) {
  const std::string trace = write_trace("job_id,submit,duration,gpus,gpu_utilization\na,0,1h,8,0.25\nb,0,1h,8,\n");
  const auto sum = run("  - {name: t, csv: " + trace + "}\n");
  EXPECT_DOUBLE_EQ(sum.utilization_known, 0.5);
  EXPECT_DOUBLE_EQ(sum.allocated_gpu_utilization, 0.25);  // of the known half
  std::filesystem::remove(trace);
}

TEST(Utilization, PerSourceUniformDistribution) {
  const auto sum = run(
      "  - name: inference\n    gpu_utilization: {distribution: uniform, min: 0.05, max: 0.15}\n"
      "    synthetic: {count: 200, arrivals: {rate: 600/h}, duration: {distribution: exponential, mean: 2m},\n"
      "      shapes: [{weight: 1, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 1000, memory_mib_per_pod: 1024}]}\n");
  EXPECT_DOUBLE_EQ(sum.utilization_known, 1.0);
  EXPECT_GE(sum.allocated_gpu_utilization, 0.05);
  EXPECT_LE(sum.allocated_gpu_utilization, 0.15);
  EXPECT_NEAR(sum.allocated_gpu_utilization, 0.10, 0.02);  // GPU-time-weighted mean of U(0.05, 0.15)
}

TEST(Utilization, TraceAndSourceCannotBothSayIt) {
  const std::string trace = write_trace("job_id,submit,duration,gpus,gpu_utilization\na,0,1h,8,0.25\n");
  try {
    run("  - {name: t, csv: " + trace + ", gpu_utilization: 0.3}\n");
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "util.yaml:8: gpu_utilization: the trace gives each job's gpu_utilization already; expected one or the "
              "other");
  }
  std::filesystem::remove(trace);
}

}  // namespace
}  // namespace fleetsim
