#pragma once
// `fleetsim sweep SPEC --emit-k8s`: manifests that run a sweep on a team's own
// Kubernetes cluster. An Indexed Job runs one shard per completion index
// (JOB_COMPLETION_INDEX, set by Kubernetes in every pod of an Indexed Job), a
// second Job merges the shards; a Kubeflow MPIJob (mpi-operator v2beta1) is the
// alternative that runs `mpirun` over worker pods. Spec and scenarios come from
// the image's working directory; results go to a PersistentVolumeClaim that
// every pod mounts (ReadWriteMany).
#include <cstddef>
#include <string>

namespace fleetsim::cli {

struct K8sSweep {
  std::string name;         // the sweep's name: object names and the results folder
  std::string spec;         // the spec's path inside the image
  std::size_t shards = 4;   // Indexed Job completions; MPIJob worker replicas
  std::string image;        // container image with fleetsim, the spec and its scenarios
  std::string claim = "fleetsim-results";  // PVC mounted at /results
};

// The YAML: a ConfigMap-free Indexed Job, a merge Job and an MPIJob, as three
// documents separated by "---".
std::string k8s_manifests(const K8sSweep& s);

}  // namespace fleetsim::cli
