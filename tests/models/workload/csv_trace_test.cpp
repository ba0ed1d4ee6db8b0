#include "models/workload/csv_trace.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

PriorityClasses classes() {
  PriorityClasses pc;
  pc.classes["high"] = PriorityClass{"high", 1000, true, false};
  pc.classes["low"] = PriorityClass{"low", -5, false, false};
  return pc;
}

std::string error_of(const std::string& name, const std::string& text) {
  std::string path = write_file(name, text);
  try {
    load_csv_trace(path, classes(), 0);
  } catch (const InputError& e) {
    std::string msg = e.what();
    // Report relative to the temp dir so expectations read plainly.
    auto pos = msg.find(path);
    if (pos != std::string::npos) msg.replace(pos, path.size(), name);
    return msg;
  }
  return "no error";
}

TEST(CsvTrace, ReadsAllColumnsAndDefaults) {
  auto path = write_file("full.csv",
                         "job_id,submit,duration,gpus,pods,cpu_milli,memory_mib,gpu_milli,gpu_memory_mib,gpu_model,"
                         "namespace,team,priority_class,labels\n"
                         "train-1,90s,2h,8,2,90000,900000,,81920,H100|A100,research,nlp,high,env=prod;tier = gold\n"
                         "share-1,0,600,1,,,,460,,,,,,\n"
                         "cpu-1,1h30m,1.5,0,1,500,1024,0,,,,,low,\n");
  auto jobs = load_csv_trace(path, classes(), 10);
  ASSERT_EQ(jobs.size(), 3u);
  // Sorted by submit: share-1 (0 s), train-1 (90 s), cpu-1 (5400 s).
  EXPECT_EQ(jobs[0].name, "share-1");
  EXPECT_EQ(jobs[1].name, "train-1");
  EXPECT_EQ(jobs[2].name, "cpu-1");
  for (JobId i = 0; i < 3; ++i) EXPECT_EQ(jobs[i].id, 10 + i);

  const Job& t = jobs[1];
  EXPECT_EQ(t.submit, 90 * sim::kSecond);
  EXPECT_EQ(t.duration, 2 * sim::kHour);
  ASSERT_EQ(t.pods.size(), 2u);
  EXPECT_EQ(t.pods[0].gpus, 8);
  EXPECT_EQ(t.pods[0].gpu_milli, 0);
  EXPECT_EQ(t.pods[1].cpu_milli, 90000);
  EXPECT_EQ(t.pods[1].memory_mib, 900000);
  EXPECT_EQ(t.pods[1].gpu_memory_mib, 81920);
  EXPECT_EQ(t.pods[1].gpu_model, "H100|A100");
  EXPECT_EQ(t.total_gpus(), 16);
  EXPECT_EQ(t.namespace_, "research");
  EXPECT_EQ(t.team, "nlp");
  EXPECT_EQ(t.priority_class, "high");
  EXPECT_EQ(t.priority, 1000);
  EXPECT_EQ(t.labels, (std::map<std::string, std::string>{{"env", "prod"}, {"tier", "gold"}}));
  EXPECT_EQ(t.source, path + ":2");

  const Job& s = jobs[0];
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.pods[0].gpus, 0);  // a GPU share is gpus 0, gpu_milli n
  EXPECT_EQ(s.pods[0].gpu_milli, 460);
  EXPECT_EQ(s.pods[0].whole_gpus(), 1);
  EXPECT_EQ(s.pods[0].cpu_milli, 1000);
  EXPECT_EQ(s.pods[0].memory_mib, 4096);
  EXPECT_EQ(s.namespace_, "default");
  EXPECT_EQ(s.team, "");
  EXPECT_EQ(s.priority_class, "");
  EXPECT_EQ(s.priority, 0);
  EXPECT_TRUE(s.labels.empty());

  const Job& c = jobs[2];
  EXPECT_EQ(c.submit, 5400 * sim::kSecond);
  EXPECT_EQ(c.duration, 1500 * sim::kMillisecond);
  EXPECT_EQ(c.priority, -5);
  EXPECT_FALSE(c.preempts);
}

TEST(CsvTrace, SortsStablyAndHonoursLimit) {
  auto path = write_file("order.csv", "job_id,submit,duration,gpus\nc,20,1,0\na,10,1,0\nb,10,1,0\nd,5,1,0\n");
  auto jobs = load_csv_trace(path, {}, 0);
  std::vector<std::string> names;
  for (const auto& j : jobs) names.push_back(j.name);
  EXPECT_EQ(names, (std::vector<std::string>{"d", "a", "b", "c"}));
  jobs = load_csv_trace(path, {}, 0, 2);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name, "a");
  EXPECT_EQ(jobs[1].name, "c");
}

TEST(CsvTrace, GlobalDefaultPriorityApplies) {
  auto pc = classes();
  pc.classes["std"] = PriorityClass{"std", 50, false, true};
  auto path = write_file("default.csv", "job_id,submit,duration,gpus\na,0,1,1\n");
  auto jobs = load_csv_trace(path, pc, 0);
  EXPECT_EQ(jobs[0].priority_class, "");
  EXPECT_EQ(jobs[0].priority, 50);
  EXPECT_FALSE(jobs[0].preempts);
}

TEST(CsvTrace, ErrorMessages) {
  const std::string head = "job_id,submit,duration,gpus,priority_class,labels,gpu_milli\n";
  EXPECT_EQ(error_of("e1.csv", head + "a,0,60,-1,,,\n"),
            "e1.csv:2: gpus: expected a non-negative integer, got '-1'");
  EXPECT_EQ(error_of("e2.csv", head + "a,-5,60,1,,,\n"),
            "e2.csv:2: submit: expected a duration such as 90s, 10m, 4h or a number of seconds, got '-5'");
  EXPECT_EQ(error_of("e3.csv", head + "a,0,0,1,,,\n"),
            "e3.csv:2: duration: expected a positive duration such as 90s, 2h or a number of seconds, got '0'");
  EXPECT_EQ(error_of("e4.csv", head + "a,0,60,1,hihg,,\n"),
            "e4.csv:2: priority_class: expected one of the defined priority classes: high, low "
            "(did you mean 'high'?), got 'hihg'");
  EXPECT_EQ(error_of("e5.csv", head + "a,0,60,1,,,\nb,0,60,1,,,\na,5,60,1,,,\n"),
            "e5.csv:4: job_id: expected a unique job id (also on line 2), got 'a'");
  EXPECT_EQ(error_of("e6.csv", head + "a,0,60,1,,env=prod;oops,\n"),
            "e6.csv:2: labels: expected key=value pairs separated by ';' with distinct non-empty keys, got "
            "'env=prod;oops'");
  EXPECT_EQ(error_of("e7.csv", head + "a,0,60,1,,=x,\n"),
            "e7.csv:2: labels: expected key=value pairs separated by ';' with distinct non-empty keys, got '=x'");
  EXPECT_EQ(error_of("e8.csv", head + "a,0,60,2,,,500\n"),
            "e8.csv:2: gpus: expected 0 or 1 for a GPU-sharing pod (gpu_milli 500), got '2'");
  EXPECT_EQ(error_of("e9.csv", head + "a,0,60,1,,,1001\n"),
            "e9.csv:2: gpu_milli: expected an integer in [0, 1000], got '1001'");
  EXPECT_EQ(error_of("e10.csv", "job_id,submit,duration,gpus,pods\na,0,60,1,0\n"),
            "e10.csv:2: pods: expected an integer in [1, 100000], got '0'");
  EXPECT_EQ(error_of("e11.csv", "job_id,submit,duration\na,0,60\n"),
            "e11.csv:1: missing column 'gpus'; header has: job_id,submit,duration");
  EXPECT_EQ(error_of("e12.csv", "job_id,submit,duration,gpus,cpu_mili\na,0,60,1,5\n"),
            "e12.csv:1: unknown column 'cpu_mili' (did you mean 'cpu_milli'?); known columns: "
            "job_id,submit,duration,gpus,pods,cpu_milli,memory_mib,gpu_milli,gpu_memory_mib,gpu_model,namespace,"
            "team,priority_class,labels,gpu_utilization,mig_profile,deadline");
  EXPECT_EQ(error_of("e13.csv", "job_id,submit,duration,gpus,cpu_milli\na,0,60,1,1.5\n"),
            "e13.csv:2: cpu_milli: expected an integer, got '1.5'");
  EXPECT_EQ(error_of("e14.csv", "job_id,submit,duration,gpus\n,0,60,1\n"),
            "e14.csv:2: job_id: expected a non-empty job id, got ''");
}

TEST(CsvTrace, ParseLabels) {
  std::map<std::string, std::string> m;
  EXPECT_TRUE(parse_labels("a=1; b = two ;;c=", m));
  EXPECT_EQ(m, (std::map<std::string, std::string>{{"a", "1"}, {"b", "two"}, {"c", ""}}));
  m.clear();
  EXPECT_FALSE(parse_labels("a=1;a=2", m));
  m.clear();
  EXPECT_TRUE(parse_labels("", m));
  EXPECT_TRUE(m.empty());
}

// The example in docs/trace-format.md stays loadable.
TEST(CsvTrace, DocumentedExampleLoads) {
  std::ifstream doc(std::string(FLEETSIM_SOURCE_DIR) + "/docs/trace-format.md");
  ASSERT_TRUE(doc) << "docs/trace-format.md is missing";
  std::string line, csv;
  bool in_block = false;
  while (std::getline(doc, line)) {
    if (line == "```csv") {
      in_block = true;
    } else if (in_block && line == "```") {
      break;
    } else if (in_block) {
      csv += line + "\n";
    }
  }
  ASSERT_FALSE(csv.empty());
  auto jobs = load_csv_trace(write_file("doc_example.csv", csv), classes(), 0);
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].name, "pretrain-7b");
  EXPECT_EQ(jobs[0].total_gpus(), 32);
  EXPECT_EQ(jobs[0].duration, 36 * sim::kHour);
  EXPECT_EQ(jobs[0].labels.at("kind"), "pretrain");
  EXPECT_EQ(jobs[2].name, "notebook-a");
  EXPECT_EQ(jobs[2].priority, -5);
  EXPECT_EQ(jobs[3].submit, sim::kHour);
}

}  // namespace
}  // namespace fleetsim::models
