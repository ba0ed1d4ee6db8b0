// A workload source's `elastic:` block: parsing, Kubeflow's defaulting applied
// to the source's jobs (SEMANTICS.md G5.1), and exact messages for bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenario/workload_yaml.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

// A CSV job of 4 pods with 2 GPUs each, written once per test process.
const std::string& trace() {
  static const std::string path = [] {
    const std::string p = ::testing::TempDir() + "elastic_yaml_" + std::to_string(::getpid()) + ".csv";
    std::ofstream(p) << "job_id,submit,duration,gpus,pods\nj,0,1h,2,4\n";
    return p;
  }();
  return path;
}

std::vector<WorkloadSource> parse(const std::string& elastic, const std::string& csv = trace()) {
  const std::string yaml = "workload:\n  - name: a\n    csv: " + csv + "\n    elastic: " + elastic + "\n";
  return parse_workload(YAML::Load(yaml)["workload"], "s.yaml", "");
}

std::string error_of(const std::string& elastic) {
  try {
    parse(elastic);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ElasticYaml, ParsesEveryField) {
  auto s = parse("{min_replicas: 2, max_replicas: 4, max_restarts: 3, scaling: linear, rescale_pause: 45s}");
  ASSERT_TRUE(s[0].elastic.has_value());
  const auto& e = *s[0].elastic;
  EXPECT_EQ(e.min_replicas, 2);
  EXPECT_EQ(e.max_replicas, 4);
  EXPECT_EQ(e.max_restarts, 3);
  EXPECT_EQ(e.scaling.kind(), models::ScalingCurve::Kind::linear);
  EXPECT_EQ(e.rescale_pause, 45 * sim::kSecond);
}

TEST(ElasticYaml, DefaultsAndNoBlock) {
  auto s = parse("{}");
  ASSERT_TRUE(s[0].elastic.has_value());
  EXPECT_FALSE(s[0].elastic->min_replicas.has_value());
  EXPECT_FALSE(s[0].elastic->max_replicas.has_value());
  EXPECT_EQ(s[0].elastic->max_restarts, 0);                    // torchrun --max-restarts
  EXPECT_EQ(s[0].elastic->rescale_pause, 30 * sim::kSecond);   // rendezvous last_call_timeout
  EXPECT_EQ(s[0].elastic->scaling.kind(), models::ScalingCurve::Kind::linear);
  // `elastic: null` (e.g. --set workload[0].elastic=null) is no block at all.
  EXPECT_FALSE(parse("null")[0].elastic.has_value());
}

TEST(ElasticYaml, ScalingCurves) {
  auto a = parse("{scaling: {amdahl: 0.9}}");
  EXPECT_EQ(a[0].elastic->scaling.kind(), models::ScalingCurve::Kind::amdahl);
  EXPECT_DOUBLE_EQ(a[0].elastic->scaling.parallel_fraction(), 0.9);
  auto t = parse("{scaling: {table: [[1, 1.0], [2, 1.8], [4, 3.2]]}}");
  ASSERT_EQ(t[0].elastic->scaling.kind(), models::ScalingCurve::Kind::table);
  EXPECT_DOUBLE_EQ(t[0].elastic->scaling.speedup(3), 2.5);  // halfway from 1.8 to 3.2
  EXPECT_DOUBLE_EQ(t[0].elastic->scaling.speedup(8), 3.2);  // flat past the last point
}

// Kubeflow's setElasticPolicy on a CSV job of 4 pods; an elastic job's pods are
// max_replicas copies of its worker.
TEST(ElasticYaml, DefaultingAgainstTheJobsPods) {
  const std::string& csv = trace();
  auto jobs_of = [&](const std::string& elastic) {
    return materialize_workload(parse(elastic, csv), sim::RngStreams(1), {});
  };
  auto only_max = jobs_of("{max_replicas: 8}");  // G5.1: only max -> min = max = 8
  ASSERT_TRUE(only_max[0].elastic.has_value());
  EXPECT_EQ(only_max[0].elastic->min_replicas, 8);
  EXPECT_EQ(only_max[0].elastic->max_replicas, 8);
  EXPECT_EQ(only_max[0].pods.size(), 8u);
  EXPECT_EQ(only_max[0].total_gpus(), 16);
  auto neither = jobs_of("{}");  // G5.1: neither -> min = max = Worker.replicas = 4
  EXPECT_EQ(neither[0].elastic->min_replicas, 4);
  EXPECT_EQ(neither[0].elastic->max_replicas, 4);
  EXPECT_EQ(neither[0].pods.size(), 4u);
  auto only_min = jobs_of("{min_replicas: 2}");  // only min -> max = min
  EXPECT_EQ(only_min[0].elastic->max_replicas, 2);
  EXPECT_EQ(only_min[0].pods.size(), 2u);
  auto both = jobs_of("{min_replicas: 1, max_replicas: 6, max_restarts: 5}");
  EXPECT_EQ(both[0].elastic->min_replicas, 1);
  EXPECT_EQ(both[0].elastic->max_replicas, 6);
  EXPECT_EQ(both[0].elastic->max_restarts, 5);
  EXPECT_EQ(both[0].pods.size(), 6u);
  EXPECT_EQ(both[0].pods[5].gpus, 2);
  EXPECT_FALSE(materialize_workload(parse_workload(YAML::Load("workload:\n  - {name: a, csv: " + csv + "}\n")["workload"],
                                                   "s.yaml", ""),
                                    sim::RngStreams(1), {})[0]
                   .elastic.has_value());
}

TEST(ElasticYaml, BadInputNamesFileLineFieldAndWhatWasExpected) {
  EXPECT_EQ(error_of("{min_replicas: 0}"),
            "s.yaml:4: workload[0].elastic.min_replicas: expected an integer in [1, 100000], got '0'");
  EXPECT_EQ(error_of("{min_replicas: 4, max_replicas: 2}"),
            "s.yaml:4: workload[0].elastic.max_replicas: expected an integer at least min_replicas (4), got '2'");
  EXPECT_EQ(error_of("{max_restarts: -1}"),
            "s.yaml:4: workload[0].elastic.max_restarts: expected an integer in [0, 1000000], got '-1'");
  EXPECT_EQ(error_of("{min_replica: 2}"),
            "s.yaml:4: workload[0].elastic.min_replica: unknown key (did you mean 'min_replicas'?); valid keys "
            "here: min_replicas, max_replicas, max_restarts, scaling, rescale_pause");
  EXPECT_EQ(error_of("yes"), "s.yaml:4: workload[0].elastic: expected a mapping of keys, got 'yes'");
  EXPECT_EQ(error_of("{rescale_pause: soon}"),
            "s.yaml:4: workload[0].elastic.rescale_pause: expected a duration such as 90s, 10m, 4h, 30d, got 'soon'");
  const std::string forms = "expected linear, {amdahl: P} or {table: [[replicas, speedup], ...]}";
  EXPECT_EQ(error_of("{scaling: quadratic}"), "s.yaml:4: workload[0].elastic.scaling: " + forms + ", got 'quadratic'");
  EXPECT_EQ(error_of("{scaling: {amdahl: 0.9, table: [[1, 1]]}}"),
            "s.yaml:4: workload[0].elastic.scaling: " + forms + ", got a mapping");
  EXPECT_EQ(error_of("{scaling: {amdahl: 1.5}}"),
            "s.yaml:4: workload[0].elastic.scaling.amdahl: expected a number in [0, 1], got '1.5'");
  EXPECT_EQ(error_of("{scaling: {table: []}}"),
            "s.yaml:4: workload[0].elastic.scaling.table: expected a non-empty list of [replicas, speedup] points, "
            "got an empty list");
  EXPECT_EQ(error_of("{scaling: {table: 3}}"),
            "s.yaml:4: workload[0].elastic.scaling.table: expected a non-empty list of [replicas, speedup] points, "
            "got '3'");
  EXPECT_EQ(error_of("{scaling: {table: [1, 2]}}"),
            "s.yaml:4: workload[0].elastic.scaling.table[0]: expected a point [replicas, speedup], got '1'");
  EXPECT_EQ(error_of("{scaling: {table: [[0, 1.0]]}}"),
            "s.yaml:4: workload[0].elastic.scaling.table[0][0]: expected a replica count in [1, 100000], got '0'");
  EXPECT_EQ(error_of("{scaling: {table: [[2, 1.0], [2, 1.5]]}}"),
            "s.yaml:4: workload[0].elastic.scaling.table[1][0]: expected more replicas than the point before (2), "
            "got '2'");
  EXPECT_EQ(error_of("{scaling: {table: [[1, 1.0], [2, 0]]}}"),
            "s.yaml:4: workload[0].elastic.scaling.table[1][1]: expected a speedup > 0, got '0'");
}

class RemoveTrace : public ::testing::Environment {
 public:
  void TearDown() override { std::filesystem::remove(trace()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveTrace = ::testing::AddGlobalTestEnvironment(new RemoveTrace);

}  // namespace
}  // namespace fleetsim::scenario
