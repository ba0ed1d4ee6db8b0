#pragma once
// The FGD experiment (Weng et al., "Beware of Fragmentation", USENIX ATC'23,
// Figs. 7 and 9a) on an openb node list and pod list, following the paper's
// artifact (hkust-adsl/kubernetes-scheduler-simulator: scripts/
// generate_config_and_run.py, experiments/run_scripts/generate_run_scripts.py,
// pkg/simulator/{core,simulator,analysis}.go, experiments/analysis/merge_*.py):
//
// - the pod list is shuffled and inflated by drawing pods from it with
//   replacement until the next draw would take the arrived GPU request above
//   `inflation` (1.3) times the cluster's GPU capacity;
// - pods arrive one by one and never depart; each is placed by the policy or
//   fails (ties between equal scores go to a node order drawn at random once
//   per run, as the artifact's random node-name prefixes make them; see
//   models::ShareCluster); after every arrival the cluster is measured: GPU
//   allocation, GPU fragmentation with respect to the typical pods
//   (models/fragmentation.hpp) and the fragmentation ratio;
// - the measurements are grouped by arrived workload (arrived GPU request over
//   GPU capacity, in percent, rounded half to even) and averaged per whole
//   percent 0..130; a percent with no measurement takes the mean of those within
//   one percent of it.
// Each (policy, seed) run is independent: its arrivals come from the seed's
// stream "fgd/arrivals" (the same for every policy: common random numbers), the
// node order for ties from "fgd/node-order" (also the same for every policy)
// and the policy's random choices from "fgd/placement". Runs go to a pool of
// threads; results do not depend on the number of threads.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/fragmentation.hpp"
#include "models/gpu_share.hpp"

namespace fleetsim::analysis {

// The input of every run: the cluster (all nodes free), the pod list sorted by
// name, and the typical pods computed from that list.
struct FgdInput {
  std::string nodes_path, pods_path;
  models::ShareCluster cluster;
  std::vector<models::SharePod> pods;
  std::vector<models::TypicalPod> typical;
};

// Reads an openb node list and pod list (models/workload/openb.hpp). Throws
// InputError naming the file, line and field for a bad row, and for a node
// list without GPUs or a pod list asking for none.
FgdInput load_fgd_input(const std::string& nodes_path, const std::string& pods_path);

// The arrival order of one seed, as indices into input.pods.
std::vector<std::uint32_t> fgd_arrivals(const FgdInput& input, std::uint64_t seed, double inflation);

struct FgdPoint {
  int arrived_pct = 0;
  int reports = 0;              // measurements averaged (0: none at or next to this percent; the values are NaN)
  double alloc_pct = 0;         // allocated GPU milli over GPU capacity, %
  double frag_pct = 0;          // fragmented GPU milli over GPU capacity, %
  double frag_ratio_pct = 0;    // fragmented over free GPU milli, %
  double unallocated_gpus = 0;  // free GPU milli / 1000
};

struct FgdRun {
  std::string policy;
  std::uint64_t seed = 0;
  std::size_t pods = 0, failed = 0;
  std::int64_t arrived_gpu_milli = 0;
  std::vector<FgdPoint> curve;  // arrived_pct 0, 1, ..., round(inflation * 100)
};

// One run. Throws InputError for an unknown policy name.
FgdRun run_fgd(const FgdInput& input, const std::string& policy, std::uint64_t seed, double inflation);

struct FgdOptions {
  std::vector<std::string> policies;  // SharingRegistry names
  std::vector<std::uint64_t> seeds;
  double inflation = 1.3;
  int threads = 0;  // 0: one per hardware thread
  // Called after each run, from the thread that finished it, under a lock.
  std::function<void(const FgdRun&, std::size_t done, std::size_t total)> on_run_done;
};

// All (policy, seed) runs, policy-major in the given orders.
std::vector<FgdRun> run_fgd_experiment(const FgdInput& input, const FgdOptions& options);

// The six policies of the paper, in its order.
std::vector<std::string> fgd_paper_policies();

}  // namespace fleetsim::analysis
