#pragma once
// PyTorchJob elasticPolicy (kubeflow.org/v1) as torchrun runs it
// (SEMANTICS.md §5.1): a job of identical workers that runs with any world size
// in [min_replicas, max_replicas]. Losing a member stops the whole group, which
// re-rendezvouses with the workers left and resumes from the last checkpoint;
// such a restart uses one of max_restarts. Growing back also restarts the group
// but uses no restart. The world applies these rules; this is the policy value.
#include <optional>

#include "models/checkpoint.hpp"
#include "sim/time.hpp"

namespace fleetsim::models {

struct Job;

// torchrun's rendezvous, once min nodes have joined, waits last_call_timeout
// for more (default 30 s: RendezvousTimeout in
// torch/distributed/elastic/rendezvous/dynamic_rendezvous.py): the pause
// before work resumes after a restart.
inline constexpr sim::SimTime kDefaultRescalePause = 30 * sim::kSecond;

struct ElasticPolicy {
  int min_replicas = 1;
  int max_replicas = 1;  // also the job's pod count: Kubernetes creates all of them
  int max_restarts = 0;  // torchrun --max-restarts defaults to 0 (torch/distributed/run.py)
  ScalingCurve scaling;
  sim::SimTime rescale_pause = kDefaultRescalePause;

  // Work per wall µs with `workers` running: Job::duration is the run time with
  // max_replicas, so rate(max) == 1 exactly and fewer workers run slower.
  double rate(int workers) const;
};

// An `elastic:` block as written, before defaulting against a job.
struct ElasticSpec {
  std::optional<int> min_replicas, max_replicas;  // >= 1, min <= max when both are set
  int max_restarts = 0;
  ScalingCurve scaling;
  sim::SimTime rescale_pause = kDefaultRescalePause;

  // Kubeflow's setElasticPolicy defaulting (SEMANTICS.md G5.1) against a job of
  // `workers` pods: only max set -> min = max; only min set -> max = min;
  // neither -> min = max = workers.
  ElasticPolicy resolve(int workers) const;
};

// Makes `job` elastic: its pods become max_replicas copies of its first pod (the
// Worker replica spec), whatever its source's pod count was. Job::duration keeps
// its meaning of run time with all workers.
void make_elastic(Job& job, const ElasticSpec& spec);

}  // namespace fleetsim::models
