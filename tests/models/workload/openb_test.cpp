#include "models/workload/openb.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "util/input_error.hpp"

namespace fleetsim::models {
namespace {

const std::string kDir = std::string(FLEETSIM_SOURCE_DIR) + "/data/alibaba-gpu-v2023/";

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

const char* kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
    "scheduled_time\n";

TEST(Openb, GpuNodeList) {
  auto nodes = load_openb_nodes(kDir + "openb_node_list_gpu_node.csv");
  ASSERT_EQ(nodes.size(), 1213u);
  int gpus = 0;
  std::map<std::string, int> by_model;
  for (const auto& n : nodes) {
    gpus += n.gpus;
    EXPECT_GT(n.gpus, 0);
    ++by_model[n.model];
  }
  EXPECT_EQ(gpus, 6212);
  EXPECT_EQ(by_model, (std::map<std::string, int>{
                          {"A10", 2}, {"G2", 549}, {"G3", 39}, {"P100", 134}, {"T4", 404}, {"V100M16", 55}, {"V100M32", 30}}));
  EXPECT_EQ(nodes[0].name, "openb-node-0000");
  EXPECT_EQ(nodes[0].cpu_milli, 64000);
  EXPECT_EQ(nodes[0].memory_mib, 262144);
  EXPECT_EQ(nodes[0].model, "P100");
}

TEST(Openb, AllNodeListHasCpuOnlyNodes) {
  auto nodes = load_openb_nodes(kDir + "openb_node_list_all_node.csv");
  ASSERT_EQ(nodes.size(), 1523u);
  int cpu_only = 0, gpus = 0;
  for (const auto& n : nodes) {
    if (n.gpus == 0) {
      ++cpu_only;
      EXPECT_EQ(n.model, "");
    }
    gpus += n.gpus;
  }
  EXPECT_EQ(cpu_only, 310);
  EXPECT_EQ(gpus, 6212);
}

TEST(Openb, DefaultPodListMatchesTheManifest) {
  auto jobs = load_openb_pods(kDir + "openb_pod_list_default.csv", OpenbPodOptions{}, 0);
  ASSERT_EQ(jobs.size(), 8152u);
  std::map<int, int> by_gpus;  // num_gpu as in the file
  std::map<std::string, int> by_qos, by_phase;
  int sharing = 0;
  sim::SimTime last_submit = 0, prev = 0;
  std::set<std::string> names;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    EXPECT_EQ(j.id, i);
    EXPECT_GE(j.submit, prev);
    prev = j.submit;
    last_submit = std::max(last_submit, j.submit);
    EXPECT_GE(j.duration, sim::kSecond);
    ASSERT_EQ(j.pods.size(), 1u);
    const PodSpec& p = j.pods[0];
    if (p.gpu_milli > 0) {
      ++sharing;
      EXPECT_EQ(p.gpus, 0);
      EXPECT_LT(p.gpu_milli, 1000);
      ++by_gpus[1];
    } else {
      ++by_gpus[p.gpus];
    }
    EXPECT_EQ(p.gpu_model, "");  // gpu_spec is empty throughout the default file
    EXPECT_EQ(j.team, j.labels.at("qos"));
    ++by_qos[j.team];
    ++by_phase[j.labels.at("phase")];
    EXPECT_EQ(j.namespace_, "default");
    names.insert(j.name);
  }
  EXPECT_EQ(names.size(), 8152u);
  EXPECT_EQ(by_gpus, (std::map<int, int>{{0, 1088}, {1, 6989}, {2, 16}, {4, 15}, {8, 44}}));
  EXPECT_EQ(sharing, 3078);
  EXPECT_EQ(by_qos, (std::map<std::string, int>{{"BE", 3398}, {"Burstable", 100}, {"Guaranteed", 7}, {"LS", 4647}}));
  EXPECT_EQ(by_phase,
            (std::map<std::string, int>{{"Failed", 1870}, {"Pending", 897}, {"Running", 5193}, {"Succeeded", 192}}));
  EXPECT_EQ(last_submit, 12'901'761 * sim::kSecond);

  // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061
  const Job& second = jobs[1];
  EXPECT_EQ(second.name, "openb-pod-0001");
  EXPECT_EQ(second.submit, 427061 * sim::kSecond);
  EXPECT_EQ(second.duration, (12902960 - 427061) * sim::kSecond);
  EXPECT_EQ(second.pods[0].cpu_milli, 6000);
  EXPECT_EQ(second.pods[0].memory_mib, 12288);
  EXPECT_EQ(second.pods[0].gpu_milli, 460);
  EXPECT_EQ(second.source, kDir + "openb_pod_list_default.csv:3");
}

TEST(Openb, DurationsFromScheduledTime) {
  auto jobs = load_openb_pods(kDir + "openb_pod_list_default.csv", OpenbPodOptions{}, 0);
  std::map<std::string, const Job*> by_name;
  for (const auto& j : jobs) by_name[j.name] = &j;
  // Scheduled 2 s after creation: the run time starts at scheduled_time.
  // openb-pod-0005,20000,65536,0,0,,LS,Running,2759674,12902960,2759676
  EXPECT_EQ(by_name.at("openb-pod-0005")->submit, 2759674 * sim::kSecond);
  EXPECT_EQ(by_name.at("openb-pod-0005")->duration, (12902960 - 2759676) * sim::kSecond);
  // Pending, never scheduled: deletion - creation.
  // openb-pod-0061,11908,47104,1,1000,,BE,Pending,10001278,10001403,
  EXPECT_EQ(by_name.at("openb-pod-0061")->duration, 125 * sim::kSecond);
  EXPECT_EQ(by_name.at("openb-pod-0061")->pods[0].gpus, 1);
  EXPECT_EQ(by_name.at("openb-pod-0061")->pods[0].gpu_milli, 0);
  // Pending with deletion == creation: raised to min_duration (1 s).
  EXPECT_EQ(by_name.at("openb-pod-7285")->duration, sim::kSecond);
  // The first pod: created and scheduled at 0.
  EXPECT_EQ(by_name.at("openb-pod-0000")->duration, 12537496 * sim::kSecond);
}

TEST(Openb, OptionsSkipAndLimit) {
  OpenbPodOptions o;
  o.skip_pending = true;
  auto jobs = load_openb_pods(kDir + "openb_pod_list_default.csv", o, 0);
  EXPECT_EQ(jobs.size(), 8152u - 897u);
  for (const auto& j : jobs) EXPECT_NE(j.labels.at("phase"), "Pending");

  o = OpenbPodOptions{};
  o.skip_zero_duration = true;
  EXPECT_EQ(load_openb_pods(kDir + "openb_pod_list_default.csv", o, 0).size(), 8151u);

  o = OpenbPodOptions{};
  o.limit = 100;
  o.namespace_ = "alibaba";
  jobs = load_openb_pods(kDir + "openb_pod_list_default.csv", o, 5);
  ASSERT_EQ(jobs.size(), 100u);
  EXPECT_EQ(jobs[0].id, 5u);
  EXPECT_EQ(jobs[0].namespace_, "alibaba");
  EXPECT_EQ(jobs.back().name, "openb-pod-0099");
}

TEST(Openb, QosPriorityClasses) {
  PriorityClasses pc;
  pc.classes["prod"] = PriorityClass{"prod", 1000, true, false};
  pc.classes["batch"] = PriorityClass{"batch", 10, false, true};
  OpenbPodOptions o;
  o.limit = 500;
  o.priority_class_by_qos = {{"LS", "prod"}};
  auto jobs = load_openb_pods(kDir + "openb_pod_list_default.csv", o, 0, pc);
  int ls = 0;
  for (const auto& j : jobs) {
    if (j.team == "LS") {
      ++ls;
      EXPECT_EQ(j.priority_class, "prod");
      EXPECT_EQ(j.priority, 1000);
    } else {
      EXPECT_EQ(j.priority_class, "");
      EXPECT_EQ(j.priority, 10);  // the global default
      EXPECT_FALSE(j.preempts);
    }
  }
  EXPECT_GT(ls, 0);

  o.priority_class_by_qos = {{"LS", "prd"}};
  o.where = "s.yaml:7: workload[2].qos_priority_classes";
  try {
    load_openb_pods(kDir + "openb_pod_list_default.csv", o, 0, pc);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "s.yaml:7: workload[2].qos_priority_classes: expected one of the defined priority classes: batch, "
                 "prod (did you mean 'prod'?), got 'prd'");
  }
}

TEST(Openb, GpuSpecAndSharingRepresentation) {
  auto path = write_file("spec.csv", std::string(kPodHeader) +
                                         "p0,16000,32768,1,1000,V100M16|V100M32,LS,Running,0,100,0\n"
                                         "p1,4000,15258,1,220,nan,BE,Running,10,50,12\n"
                                         "p2,88000,327680,8,1000,,Burstable,Succeeded,20,40,20\n");
  auto jobs = load_openb_pods(path, OpenbPodOptions{}, 0);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].pods[0].gpu_model, "V100M16|V100M32");
  EXPECT_TRUE(jobs[0].pods[0].accepts_model("V100M32"));
  EXPECT_EQ(jobs[0].pods[0].gpus, 1);
  EXPECT_EQ(jobs[1].pods[0].gpu_model, "");
  EXPECT_EQ(jobs[1].pods[0].gpus, 0);
  EXPECT_EQ(jobs[1].pods[0].gpu_milli, 220);
  EXPECT_EQ(jobs[1].duration, 38 * sim::kSecond);
  EXPECT_EQ(jobs[2].pods[0].gpus, 8);
  EXPECT_EQ(jobs[2].pods[0].gpu_milli, 0);
  EXPECT_EQ(jobs[2].total_gpus(), 8);
}

TEST(Openb, DeletionBeforeCreationIsAnError) {
  auto path = write_file("bad.csv", std::string(kPodHeader) + "p0,1000,1024,0,0,,LS,Running,0,100,0\n"
                                                              "p1,1000,1024,0,0,,LS,Failed,500,400,\n");
  try {
    load_openb_pods(path, OpenbPodOptions{}, 0);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ":3: deletion_time: expected a time at or after creation_time 500, got '400'");
  }
  path = write_file("bad2.csv", std::string(kPodHeader) + "p1,1000,1024,0,0,,LS,Failed,500,600,700\n");
  try {
    load_openb_pods(path, OpenbPodOptions{}, 0);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ":2: deletion_time: expected a time at or after scheduled_time 700, got '600'");
  }
}

}  // namespace
}  // namespace fleetsim::models
