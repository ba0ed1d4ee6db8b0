// `fleetsim sweep SPEC --emit-k8s`: an Indexed Job with one shard per index, a
// merge Job and a Kubeflow MPIJob, as YAML a cluster would take.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <string>

namespace fleetsim {
namespace {

std::string emit(const std::string& args) {
  const std::string cmd = std::string("'") + FLEETSIM_BINARY + "' sweep " + FLEETSIM_SOURCE_DIR +
                          "/sweeps/placement-by-size.yaml --emit-k8s " + args;
  FILE* p = popen(cmd.c_str(), "r");
  std::string text;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  EXPECT_EQ(pclose(p), 0);
  return text;
}

std::string args_of(const YAML::Node& pod_spec) { return pod_spec["containers"][0]["args"][0].as<std::string>(); }

TEST(SweepK8s, IndexedJobMergeJobAndMpiJob) {
  const auto docs = YAML::LoadAll(emit("--k8s-shards 5 --image registry.example/fleetsim:1"));
  ASSERT_EQ(docs.size(), 3u);
  const auto& shards = docs[0];
  EXPECT_EQ(shards["kind"].as<std::string>(), "Job");
  EXPECT_EQ(shards["metadata"]["name"].as<std::string>(), "placement-by-size-shards");
  EXPECT_EQ(shards["spec"]["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(shards["spec"]["completions"].as<int>(), 5);
  const auto pod = shards["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"].as<std::string>(), "registry.example/fleetsim:1");
  EXPECT_NE(args_of(pod).find("--shard ${JOB_COMPLETION_INDEX}/5"), std::string::npos) << args_of(pod);
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), "fleetsim-results");
  const auto merge = docs[1]["spec"]["template"]["spec"];
  EXPECT_NE(args_of(merge).find("--merge /results/placement-by-size/shard-* --out /results/placement-by-size/merged"),
            std::string::npos)
      << args_of(merge);
  const auto& mpi = docs[2];
  EXPECT_EQ(mpi["apiVersion"].as<std::string>(), "kubeflow.org/v2beta1");
  EXPECT_EQ(mpi["kind"].as<std::string>(), "MPIJob");
  EXPECT_EQ(mpi["spec"]["mpiReplicaSpecs"]["Worker"]["replicas"].as<int>(), 5);
  EXPECT_EQ(args_of(mpi["spec"]["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]).rfind("mpirun -n 5 fleetsim sweep", 0),
            0u);
}

}  // namespace
}  // namespace fleetsim
