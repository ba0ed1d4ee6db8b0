#include "cli/sweep_k8s.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace fleetsim::cli {

namespace {
// A DNS-1123 name: lower case, digits and '-'.
std::string dns_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  out.erase(0, out.find_first_not_of('-'));
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "sweep" : out.substr(0, 40);
}

void container(std::ostream& y, const std::string& indent, const std::string& name, const std::string& image,
               const std::string& command) {
  y << indent << "- name: " << name << "\n"
    << indent << "  image: " << image << "\n"
    << indent << "  command: [\"sh\", \"-c\"]\n"
    << indent << "  args: [\"" << command << "\"]\n"
    << indent << "  resources: {requests: {cpu: \"1\"}}\n"
    << indent << "  volumeMounts: [{name: results, mountPath: /results}]\n";
}

void results_volume(std::ostream& y, const std::string& indent, const std::string& claim) {
  y << indent << "volumes: [{name: results, persistentVolumeClaim: {claimName: " << claim << "}}]\n";
}
}  // namespace

std::string k8s_manifests(const K8sSweep& s) {
  const std::string name = dns_name(s.name);
  const std::string n = std::to_string(s.shards);
  const std::string out = "/results/" + name;
  std::ostringstream y;
  y << "# fleetsim sweep " << s.spec << " on Kubernetes: one shard per index of an Indexed Job,\n"
    << "# then a Job that merges them into " << out << "/merged (docs/sweeps.md).\n"
    << "# The image holds fleetsim, the spec and its scenarios; " << s.claim
    << " is a ReadWriteMany PVC.\n"
    << "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " << name << "-shards\nspec:\n"
    << "  completionMode: Indexed\n  completions: " << n << "\n  parallelism: " << n << "\n"
    << "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n";
  container(y, "        ", "sweep", s.image,
            "fleetsim sweep " + s.spec + " --shard ${JOB_COMPLETION_INDEX}/" + n + " --threads 1 --out " + out +
                "/shard-${JOB_COMPLETION_INDEX}");
  results_volume(y, "      ", s.claim);
  y << "---\n# Apply once the shards Job has completed.\n"
    << "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " << name << "-merge\nspec:\n"
    << "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n";
  container(y, "        ", "merge", s.image,
            "fleetsim sweep " + s.spec + " --merge " + out + "/shard-* --out " + out + "/merged");
  results_volume(y, "      ", s.claim);
  y << "---\n# Alternative: the Kubeflow MPI Operator (kubeflow.org/v2beta1) runs mpirun over\n"
    << "# " << n << " worker pods (mpi-operator v2 starts ranks over SSH: the image needs an\n"
    << "# OpenSSH server); rank 0 hands out runs to the other " << s.shards - 1 << " and writes the aggregate.\n"
    << "apiVersion: kubeflow.org/v2beta1\nkind: MPIJob\nmetadata:\n  name: " << name << "-mpi\nspec:\n"
    << "  slotsPerWorker: 1\n  runPolicy: {cleanPodPolicy: Running}\n  mpiReplicaSpecs:\n"
    << "    Launcher:\n      replicas: 1\n      template:\n        spec:\n          containers:\n";
  container(y, "            ", "launcher", s.image,
            "mpirun -n " + n + " fleetsim sweep " + s.spec + " --out " + out + "/mpi");
  results_volume(y, "          ", s.claim);
  y << "    Worker:\n      replicas: " << n << "\n      template:\n        spec:\n          containers:\n";
  container(y, "            ", "worker", s.image, "/usr/sbin/sshd -De");
  results_volume(y, "          ", s.claim);
  return y.str();
}

}  // namespace fleetsim::cli
