// The fleetsim CLI on bad input: exit status 2 and one exact message that names
// the file, line and field and says what was expected. Also: a failed run leaves
// no results directory, a good run leaves a complete one and no DIR.partial.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/cli/cli_runner.hpp"

#include "scenario/scenario.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

// ctest runs each test in its own process, possibly in parallel: one folder per
// process, removed when the process's tests are done.
const std::string& tmp_dir() {
  static const std::string d = [] {
    std::string p = ::testing::TempDir() + "cli_bad_input_" + std::to_string(::getpid());
    fs::create_directories(p);
    return p;
  }();
  return d;
}
std::string tmp(const std::string& name) { return tmp_dir() + "/" + name; }

class RemoveTmpDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(::testing::TempDir() + "cli_bad_input_" + std::to_string(::getpid()), ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kRemoveTmpDir = ::testing::AddGlobalTestEnvironment(new RemoveTmpDir);

std::string write(const std::string& name, const std::string& text) {
  const std::string path = tmp(name);
  std::ofstream(path) << text;
  return path;
}

using testing_cli::quote;
using Result = testing_cli::CliResult;

// Runs the CLI with `args` (already quoted), returning exit status and stderr.
Result fleetsim(const std::string& args) { return testing_cli::fleetsim(args, "2>&1 >/dev/null"); }

// A small valid scenario; `edit` lets each test break one thing.
struct Parts {
  std::string name_key = "name";
  std::string count = "1";
  std::string instance_type = "p4d.24xlarge";
  std::string scheduler_key = "scheduler";
  std::string placement = "first-fit";
  std::string grace = "30s";
  std::string trace;  // path of the CSV trace
};

std::string scenario_text(const Parts& p) {
  return p.name_key + ": cli-test\n" +  // line 1
         "cluster:\n" +                   // 2
         "  pools:\n" +                   // 3
         "    - name: gpu\n" +            // 4
         "      instance_type: " + p.instance_type + "\n" +  // 5
         "      count: " + p.count + "\n" +                  // 6
         p.scheduler_key + ":\n" +                           // 7
         "  queue: fifo\n" +                                 // 8
         "  placement: " + p.placement + "\n" +              // 9
         "  preemption_grace: " + p.grace + "\n" +           // 10
         "workload:\n" +                                     // 11
         "  - name: trace\n" +                               // 12
         "    csv: " + p.trace + "\n";                       // 13
}

std::string good_trace() {
  return write("good.csv", "job_id,submit,duration,gpus\ntrain,0,1h,8\nsmall,1m,10m,1\n");
}

// Writes the scenario and runs `fleetsim run` on it with --out; checks that
// nothing was left behind under the results directory.
Result run_bad(const std::string& file, const Parts& parts, const std::string& extra_args = "") {
  const std::string path = write(file, scenario_text(parts));
  const std::string out = tmp(file + ".out");
  fs::remove_all(out);
  fs::remove_all(out + ".partial");
  Result r = fleetsim("run " + quote(path) + " --quiet --out " + quote(out) + " " + extra_args);
  EXPECT_FALSE(fs::exists(out)) << "a failed run left " << out;
  EXPECT_FALSE(fs::exists(out + ".partial")) << "a failed run left " << out << ".partial";
  return r;
}

Parts good() {
  Parts p;
  p.trace = good_trace();
  return p;
}

TEST(CliBadInput, ValidScenarioValidates) {
  const std::string path = write("valid.yaml", scenario_text(good()));
  Result r = fleetsim("validate " + quote(path));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(CliBadInput, UnknownKeySuggestsNearest) {
  Parts p = good();
  p.scheduler_key = "shedulr";
  const std::string path = tmp("unknown_key.yaml");
  Result r = run_bad("unknown_key.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + path +
                       ":7: shedulr: unknown key (did you mean 'scheduler'?); valid keys here: name, description, "
                       "seed, horizon, catalog, cluster, priority_classes, workload, scheduler, provisioning, karpenter, billing, "
                       "mig_partitioning, services, allocation, purchasing\n");
}

TEST(CliBadInput, WrongType) {
  Parts p = good();
  p.count = "many";
  Result r = run_bad("wrong_type.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("wrong_type.yaml") +
                       ":6: cluster.pools[0].count: expected an integer in [0, 100000], got 'many'\n");
}

TEST(CliBadInput, NegativeValue) {
  Parts p = good();
  p.count = "-2";
  Result r = run_bad("negative.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("negative.yaml") +
                       ":6: cluster.pools[0].count: expected an integer in [0, 100000], got '-2'\n");
}

TEST(CliBadInput, ImpossiblePod) {
  Parts p = good();
  p.trace = write("nine.csv", "job_id,submit,duration,gpus\nok,0,1h,8\nhuge,0,1h,9\n");
  Result r = run_bad("impossible.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + p.trace +
                       ":3: job 'huge' pod 0 requests 9 GPU(s), 1000m CPU, 4096 MiB: no node of the cluster can "
                       "ever hold it (largest node has 8 GPUs); expected a pod that fits an empty node\n");
  // validate catches it too, without running.
  Result v = fleetsim("validate " + quote(tmp("impossible.yaml")));
  EXPECT_EQ(v.status, 2);
  EXPECT_EQ(v.output, r.output);
}

TEST(CliBadInput, UnknownInstanceTypeSuggestsNearest) {
  Parts p = good();
  p.instance_type = "p4d.24xlarg";
  Result r = run_bad("instance_type.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("instance_type.yaml") +
                       ":5: cluster.pools[0].instance_type: expected an instance type of catalog " +
                       scenario::builtin_catalog_path() + " (did you mean 'p4d.24xlarge'?), got 'p4d.24xlarg'\n");
}

TEST(CliBadInput, UnknownPolicySuggestsNearest) {
  Parts p = good();
  p.placement = "best-fitt";
  Result r = run_bad("policy.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("policy.yaml") +
                       ":9: scheduler.placement: expected one of best-fit, first-fit, spread, topology-aware "
                       "(did you mean 'best-fit'?), got 'best-fitt'\n");
}

TEST(CliBadInput, MissingScenarioFile) {
  const std::string path = tmp("no_such_scenario.yaml");
  fs::remove(path);
  Result r = fleetsim("run " + quote(path) + " --quiet --out " + quote(tmp("missing.out")));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + path + ": cannot open scenario file (does it exist?)\n");
  EXPECT_FALSE(fs::exists(tmp("missing.out")));
}

TEST(CliBadInput, MissingTraceFile) {
  Parts p = good();
  p.trace = tmp("no_such_trace.csv");
  fs::remove(p.trace);
  Result r = run_bad("missing_trace.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("missing_trace.yaml") + ":13: workload[0].csv: expected an existing file (looked for " +
                       p.trace + "), got '" + p.trace + "'\n");
}

TEST(CliBadInput, CsvRowWithWrongFieldCount) {
  Parts p = good();
  p.trace = write("short_row.csv", "job_id,submit,duration,gpus\na,0,1h,1\nb,0,1h\n");
  Result r = run_bad("short_row.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + p.trace + ":3: expected 4 fields as in the header, found 3\n");
}

TEST(CliBadInput, CsvNonNumericGpus) {
  Parts p = good();
  p.trace = write("gpus_text.csv", "job_id,submit,duration,gpus\na,0,1h,1\nb,0,1h,two\n");
  Result r = run_bad("gpus_text.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + p.trace + ":3: gpus: expected an integer, got 'two'\n");
}

TEST(CliBadInput, BadSetPath) {
  const Parts p = good();
  Result r = run_bad("set_index.yaml", p, "--set 'cluster.pools[3].count=2'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: --set cluster.pools[3].count=2: cluster.pools[3] is not an item of a list in the scenario\n");

  r = run_bad("set_syntax.yaml", p, "--set 'cluster.pools[x].count=2'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output,
            "error: --set cluster.pools[x].count=2: expected path=value with a path like scheduler.placement or "
            "cluster.pools[0].count\n");

  r = run_bad("set_noeq.yaml", p, "--set scheduler.placement");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: --set scheduler.placement: expected path=value, e.g. scheduler.placement=best-fit\n");

  r = run_bad("set_scalar.yaml", p, "--set cluster.pools[0].count.x=1");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output,
            "error: --set cluster.pools[0].count.x=1: cluster.pools[0].count.x is inside a value that is not a "
            "mapping\n");

  // A bad value through --set is checked like one in the file; it has no line there.
  r = run_bad("set_value.yaml", p, "--set cluster.pools[0].count=many");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("set_value.yaml") +
                       ": cluster.pools[0].count: expected an integer in [0, 100000], got 'many'\n");

  // A misspelt key through --set is caught like one in the file.
  r = run_bad("set_key.yaml", p, "--set shedulr.queue=fifo");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("set_key.yaml") +
                       ": shedulr: unknown key (did you mean 'scheduler'?); valid keys here: name, description, "
                       "seed, horizon, catalog, cluster, priority_classes, workload, scheduler, provisioning, karpenter, billing, "
                       "mig_partitioning, services, allocation, purchasing\n");
}

TEST(CliBadInput, InvalidYamlSyntax) {
  const std::string path = write("syntax.yaml", "name: broken\ncluster:\n  pools: [a, b\nworkload: []\n");
  Result r = fleetsim("run " + quote(path) + " --quiet --out " + quote(tmp("syntax.out")));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("error: " + path + ":", 0), 0u) << r.output;
  EXPECT_NE(r.output.find(": not valid YAML: "), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(tmp("syntax.out")));

  // A tab in the indentation: yaml-cpp's own message, with the line.
  const std::string tab = write("tab.yaml", "name: t\ncluster:\n\tpools: []\n");
  r = fleetsim("validate " + quote(tab));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("error: " + tab + ":3: not valid YAML: ", 0), 0u) << r.output;
}

TEST(CliBadInput, BadDuration) {
  Parts p = good();
  p.grace = "10 minutes";
  Result r = run_bad("duration.yaml", p);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output, "error: " + tmp("duration.yaml") +
                       ":10: scheduler.preemption_grace: expected a duration such as 90s, 10m, 4h, 30d, got '10 "
                       "minutes'\n");
}

TEST(CliBadInput, GoodRunWritesCompleteResultsDirectory) {
  const std::string path = write("good.yaml", scenario_text(good()));
  const std::string out = tmp("good.out");
  fs::remove_all(out);
  fs::create_directories(out + "/stale");  // an older result is replaced, not merged
  Result r = fleetsim("run " + quote(path) + " --quiet --out " + quote(out));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
  for (const char* f : {"summary.json", "run.h5", "jobs.csv", "scenario.yaml"})
    EXPECT_TRUE(fs::is_regular_file(fs::path(out) / f)) << f;
  EXPECT_FALSE(fs::exists(out + "/stale"));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  std::ifstream sc(out + "/scenario.yaml");
  std::stringstream ss;
  ss << sc.rdbuf();
  EXPECT_EQ(ss.str(), scenario_text(good()));  // the scenario as run, verbatim
}

TEST(CliBadInput, UsageErrorsExitTwo) {
  Result r = fleetsim("run");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("scenario is required"), std::string::npos) << r.output;
  r = fleetsim("frobnicate");
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace fleetsim
