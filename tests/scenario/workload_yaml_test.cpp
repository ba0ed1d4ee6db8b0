#include "scenario/workload_yaml.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/workload/csv_trace.hpp"
#include "util/input_error.hpp"

namespace fleetsim::scenario {
namespace {

std::vector<WorkloadSource> parse(const std::string& yaml, const std::string& base_dir = "") {
  YAML::Node root = YAML::Load(yaml);
  return parse_workload(root["workload"], "s.yaml", base_dir);
}

std::string error_of(const std::string& yaml, const std::string& base_dir = "") {
  try {
    parse(yaml, base_dir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string temp_dir(const std::string& name) {
  std::string dir = ::testing::TempDir() + name;
  std::filesystem::create_directories(dir + "/traces");
  return dir;
}

const char* kSynthetic = R"(workload:
  - name: research
    synthetic:
      count: 500
      arrivals: {rate: 30/h}
      duration: {distribution: lognormal, median: 2h, sigma: 1.0, min: 1m, max: 2d}
      shapes:
        - {weight: 0.7, pods: 1, gpus_per_pod: 1, cpu_milli_per_pod: 8000, memory_mib_per_pod: 32768}
        - {weight: 0.3, pods: 2, gpus_per_pod: 8, cpu_milli_per_pod: 90000, memory_mib_per_pod: 900000, gpu_model: H100}
      teams:
        - {name: nlp, weight: 2, priority_class: high}
        - {name: vision, weight: 1, namespace: cv}
      labels: {env: prod}
)";

models::PriorityClasses classes() {
  models::PriorityClasses pc;
  pc.classes["high"] = models::PriorityClass{"high", 1000, true, false};
  return pc;
}

TEST(WorkloadYaml, ParsesASyntheticSource) {
  auto sources = parse(kSynthetic);
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].name, "research");
  EXPECT_EQ(sources[0].where, "s.yaml:2");
  const auto& s = std::get<models::SyntheticSpec>(sources[0].spec);
  EXPECT_EQ(s.count, 500);
  EXPECT_FALSE(s.until);
  EXPECT_DOUBLE_EQ(s.rate_per_s, 30.0 / 3600);
  EXPECT_TRUE(s.daily.empty());
  EXPECT_EQ(s.duration.distribution, models::DurationDistribution::lognormal);
  EXPECT_DOUBLE_EQ(s.duration.median_s, 7200);
  EXPECT_DOUBLE_EQ(s.duration.sigma, 1.0);
  EXPECT_EQ(s.duration.min, sim::kMinute);
  EXPECT_EQ(s.duration.max, 2 * sim::kDay);
  ASSERT_EQ(s.shapes.size(), 2u);
  EXPECT_DOUBLE_EQ(s.shapes[1].weight, 0.3);
  EXPECT_EQ(s.shapes[1].pods, 2);
  EXPECT_EQ(s.shapes[1].gpus_per_pod, 8);
  EXPECT_EQ(s.shapes[1].memory_mib_per_pod, 900000);
  EXPECT_EQ(s.shapes[1].gpu_model, "H100");
  ASSERT_EQ(s.teams.size(), 2u);
  EXPECT_EQ(s.teams[0].namespace_, "nlp");
  EXPECT_EQ(s.teams[0].priority_class, "high");
  EXPECT_EQ(s.teams[0].where, "s.yaml:11: workload[0].synthetic.teams[0].priority_class");
  EXPECT_EQ(s.teams[1].namespace_, "cv");
  EXPECT_EQ(s.labels.at("env"), "prod");
}

TEST(WorkloadYaml, MaterializeDrawsFromTheNamedStream) {
  auto sources = parse(kSynthetic);
  sim::RngStreams streams(99);
  auto jobs = materialize_workload(sources, streams, classes());
  ASSERT_EQ(jobs.size(), 500u);
  sim::Rng rng = streams.stream("workload/research");
  auto direct = models::generate_synthetic(std::get<models::SyntheticSpec>(sources[0].spec), rng, classes(), 0,
                                           "research");
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(jobs[i].id, i);
    EXPECT_EQ(jobs[i].name, direct[i].name);
    EXPECT_EQ(jobs[i].submit, direct[i].submit);
    EXPECT_EQ(jobs[i].duration, direct[i].duration);
    EXPECT_EQ(jobs[i].source, "s.yaml:2");
    EXPECT_GE(jobs[i].duration, sim::kMinute);
    EXPECT_LE(jobs[i].duration, 2 * sim::kDay);
  }
  // Another seed, other jobs; the same seed, the same jobs.
  auto again = materialize_workload(sources, sim::RngStreams(99), classes());
  auto other = materialize_workload(sources, sim::RngStreams(100), classes());
  EXPECT_EQ(again[17].submit, jobs[17].submit);
  EXPECT_NE(other[17].submit, jobs[17].submit);
}

TEST(WorkloadYaml, MixesSourcesInSubmitOrderWithRelativePaths) {
  std::string dir = temp_dir("wl_mix");
  std::ofstream(dir + "/traces/jobs.csv") << "job_id,submit,duration,gpus\nlate,100d,1h,1\nearly,0,1h,2\nmid,3h,1h,4\n";
  std::ofstream(dir + "/pods.csv")
      << "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
         "scheduled_time\n"
         "p0,1000,1024,1,500,,LS,Running,0,100,0\np1,1000,1024,1,1000,,BE,Running,7200,9000,7300\n"
         "p2,1000,1024,1,1000,,BE,Running,7300,9000,7300\n";
  auto sources = parse(R"(workload:
  - name: research
    synthetic:
      until: 1d
      arrivals: {rate: 2/h}
      duration: {distribution: exponential, mean: 1h}
      shapes: [{gpus_per_pod: 1}]
  - name: replay
    csv: traces/jobs.csv
  - name: alibaba
    openb_pods: pods.csv
    limit: 2
    qos_priority_classes: {LS: high}
)",
                       dir);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(std::get<CsvTraceSpec>(sources[1].spec).path, dir + "/traces/jobs.csv");
  EXPECT_EQ(std::get<OpenbPodsSpec>(sources[2].spec).options.limit, 2u);
  auto jobs = materialize_workload(sources, sim::RngStreams(1), classes());
  int synthetic = 0;
  std::map<std::string, const models::Job*> by_name;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(jobs[i].id, i);
    if (i > 0) {
      EXPECT_LE(jobs[i - 1].submit, jobs[i].submit);
    }
    synthetic += jobs[i].name.rfind("research-", 0) == 0;
    by_name[jobs[i].name] = &jobs[i];
  }
  EXPECT_EQ(jobs.size(), static_cast<std::size_t>(synthetic) + 3 + 2);
  EXPECT_GT(synthetic, 20);
  // Equal submit times keep source order: replay's "early" (0 s) before alibaba's p0 (0 s).
  EXPECT_LT(by_name.at("early")->id, by_name.at("p0")->id);
  EXPECT_EQ(jobs.back().name, "late");
  EXPECT_EQ(by_name.at("p0")->priority_class, "high");
  EXPECT_EQ(by_name.at("p1")->duration, 1700 * sim::kSecond);
  EXPECT_EQ(by_name.count("p2"), 0u);
}

TEST(WorkloadYaml, DailyAndWeeklyProfiles) {
  auto sources = parse(R"(workload:
  - name: office
    synthetic:
      until: 7d
      start: 1h
      arrivals:
        rate: 10/h
        daily: [0, 0, 0, 0, 0, 0, 0, 0.5, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0.5, 0, 0, 0, 0, 0]
        weekly: [1, 1, 1, 1, 1, 0.1, 0.1]
      duration: {distribution: exponential, mean: 30m}
      shapes: [{gpus_per_pod: 1}]
)");
  const auto& s = std::get<models::SyntheticSpec>(sources[0].spec);
  ASSERT_EQ(s.daily.size(), 24u);
  EXPECT_DOUBLE_EQ(s.daily[9], 2);
  ASSERT_EQ(s.weekly.size(), 7u);
  EXPECT_DOUBLE_EQ(s.weekly[6], 0.1);
  EXPECT_EQ(s.start, sim::kHour);
}

TEST(WorkloadYaml, EmpiricalDurationsFromACsvColumn) {
  std::string dir = temp_dir("wl_emp");
  std::ofstream(dir + "/traces/t.csv") << "job,run\na,90s\nb,2h\nc,600\n";
  auto sources = parse(R"(workload:
  - name: emp
    synthetic:
      count: 300
      arrivals: {rate: 1/s}
      duration: {distribution: empirical, file: traces/t.csv, column: run, max: 1h}
      shapes: [{gpus_per_pod: 0}]
)",
                       dir);
  const auto& s = std::get<models::SyntheticSpec>(sources[0].spec);
  EXPECT_EQ(s.duration.samples_s, (std::vector<double>{90, 7200, 600}));
  auto jobs = materialize_workload(sources, sim::RngStreams(3), {});
  std::set<sim::SimTime> seen;
  for (const auto& j : jobs) seen.insert(j.duration);
  EXPECT_EQ(seen, (std::set<sim::SimTime>{90 * sim::kSecond, 600 * sim::kSecond, sim::kHour}));

  EXPECT_EQ(error_of(R"(workload:
  - name: emp
    synthetic:
      count: 3
      arrivals: {rate: 1/s}
      duration: {distribution: empirical, file: traces/t.csv, column: runtime}
      shapes: [{gpus_per_pod: 0}]
)",
                     dir),
            dir + "/traces/t.csv:1: missing column 'runtime'; header has: job,run");
}

TEST(WorkloadYaml, ErrorMessages) {
  const std::string kPods = std::string(FLEETSIM_SOURCE_DIR) + "/data/alibaba-gpu-v2023/openb_pod_list_default.csv";
  const std::string head = "workload:\n  - name: a\n    synthetic:\n      count: 5\n";
  const std::string rest =
      "      duration: {distribution: exponential, mean: 1h}\n      shapes: [{gpus_per_pod: 1}]\n";
  // 23 multipliers where 24 are needed.
  EXPECT_EQ(error_of(head +
                     "      arrivals:\n        rate: 1/h\n        daily: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                     "1, 1, 1, 1, 1, 1, 1, 1]\n" +
                     rest),
            "s.yaml:7: workload[0].synthetic.arrivals.daily: expected 24 non-negative numbers, got 23");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h, weekly: [1, 1, -1, 1, 1, 1, 1]}\n" + rest),
            "s.yaml:5: workload[0].synthetic.arrivals.weekly[2]: expected a non-negative number, got '-1'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h, weekly: [0, 0, 0, 0, 0, 0, 0]}\n" + rest),
            "s.yaml:5: workload[0].synthetic.arrivals.weekly: expected 7 non-negative numbers with at least one "
            "positive, got all zeros");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n      duraton: {distribution: exponential, mean: 1h}\n"),
            "s.yaml:6: workload[0].synthetic.duraton: unknown key (did you mean 'duration'?); valid keys here: "
            "count, until, start, arrivals, duration, shapes, teams, labels");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n" +
                     "      duration: {distribution: exponential, mean: 1h}\n      shapes: [{weight: 0, gpus_per_pod: "
                     "1}]\n"),
            "s.yaml:7: workload[0].synthetic.shapes[0].weight: expected a positive number, got '0'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n" + rest +
                     "      teams: [{name: x, weight: -2}]\n"),
            "s.yaml:8: workload[0].synthetic.teams[0].weight: expected a positive number, got '-2'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 0/h}\n" + rest),
            "s.yaml:5: workload[0].synthetic.arrivals.rate: expected a positive rate such as 30/h, 2/min or 0.5/s, "
            "got '0/h'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n      duration: {distribution: lognormal, median: 1h, "
                            "sigma: 1, mean: 2h}\n      shapes: [{gpus_per_pod: 1}]\n"),
            "s.yaml:6: workload[0].synthetic.duration.mean: not used by distribution lognormal (it takes median, "
            "sigma, min, max)");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n      duration: {distribution: lognormel, median: 1h}\n"
                            "      shapes: [{gpus_per_pod: 1}]\n"),
            "s.yaml:6: workload[0].synthetic.duration.distribution: expected one of exponential, lognormal, "
            "empirical (did you mean 'lognormal'?), got 'lognormel'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n      duration: {distribution: exponential, mean: 1h, "
                            "min: 2h, max: 1h}\n      shapes: [{gpus_per_pod: 1}]\n"),
            "s.yaml:6: workload[0].synthetic.duration.max: expected a duration at least min (2h), got '1h'");
  EXPECT_EQ(error_of(head + "      arrivals: {rate: 1/h}\n      duration: {distribution: exponential, mean: 1h}\n"
                            "      shapes: []\n"),
            "s.yaml:7: workload[0].synthetic.shapes: expected a non-empty list of job shapes, got an empty list");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    synthetic:\n      arrivals: {rate: 1/h}\n" + rest),
            "s.yaml:4: workload[0].synthetic: expected count or until (or both), got neither");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    csv: x.csv\n    openb_pods: y.csv\n"),
            "s.yaml:2: workload[0]: expected exactly one of synthetic, csv, openb_pods, notebooks, got csv and openb_pods");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    cvs: x.csv\n"),
            "s.yaml:2: workload[0]: expected exactly one of synthetic, csv, openb_pods, notebooks, got none");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    csv: nope.csv\n", "/no/such/dir"),
            "s.yaml:3: workload[0].csv: expected an existing file (looked for /no/such/dir/nope.csv), got 'nope.csv'");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    csv: x.csv\n    limt: 5\n"),
            "s.yaml:4: workload[0].limt: unknown key (did you mean 'limit'?); valid keys here: name, csv, checkpoint, elastic, gpu_utilization, topology, limit, deadline");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    openb_pods: " + kPods + "\n  - name: a\n    openb_pods: " + kPods + "\n"),
            "s.yaml:4: workload[1].name: expected a name not used by another source, got 'a'");
  EXPECT_EQ(error_of("workload:\n  - name: a b\n    csv: x.csv\n"),
            "s.yaml:2: workload[0].name: expected a name of letters, digits, '-', '_' or '.', got 'a b'");
  EXPECT_EQ(error_of("workload: []\n"), "s.yaml:1: workload: expected a non-empty list of workload sources, got an empty list");
  EXPECT_EQ(error_of("workload:\n  - name: a\n    openb_pods: " + kPods + "\n    skip_pending: maybe\n"),
            "s.yaml:4: workload[0].skip_pending: expected true or false, got 'maybe'");
}

TEST(WorkloadYaml, UndefinedTeamPriorityClassFailsAtMaterialize) {
  auto sources = parse(kSynthetic);
  try {
    materialize_workload(sources, sim::RngStreams(1), {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "s.yaml:11: workload[0].synthetic.teams[0].priority_class: expected a defined priority class (the "
                 "scenario defines none), got 'high'");
  }
}

}  // namespace
}  // namespace fleetsim::scenario
