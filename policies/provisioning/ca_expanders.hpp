#pragma once
// Cluster Autoscaler expanders (kubernetes/autoscaler cluster-autoscaler/expander):
// each narrows a list of scale-up options to its best ones; `--expander` is a
// comma-separated chain of them, and a tie left at the end is broken at random.
// SEMANTICS.md section 2.3 gives the formulas.
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "models/cluster.hpp"
#include "sim/rng.hpp"

namespace fleetsim::policies {

// One node group CA could grow: how many nodes, and the pods those nodes would hold.
struct ScaleUpOption {
  models::PoolId pool = 0;
  int node_count = 0;
  std::vector<const models::PodSpec*> pods;
};

enum class Expander { random, most_pods, least_waste, least_nodes, price, priority };

// "random", "most-pods", "least-waste", "least-nodes", "price", "priority".
const std::vector<std::string>& expander_names();
const char* to_string(Expander e);
// Parses "priority,least-waste"; throws InputError naming the valid expanders.
std::vector<Expander> parse_expander_chain(const std::string& text);

// The priority expander's ConfigMap as text: "50:.*spot.*;10:.*" (value:regex
// pairs separated by ';'; several regexes for one value may repeat the value).
struct PriorityRule {
  std::int64_t priority = 0;
  std::string pattern;
  std::regex re;
};
// Throws InputError on a malformed pair or regex.
std::vector<PriorityRule> parse_priorities(const std::string& text);

// least-waste: (availCPU - reqCPU)/availCPU + (availMem - reqMem)/availMem with
// node CAPACITY (vcpu x 1000 milli, memory_gib x 1024 MiB) times node_count and
// the pods' requests; GPUs are not part of the score.
double wasted_score(const ScaleUpOption& o, const models::InstanceType& type);
// price (simplified): node_count x the pool's hourly price (the instance type's
// on-demand price where the pool has none).
double option_price(const ScaleUpOption& o, const models::NodePool& pool);

// Indices of the options one expander keeps (all of them when it cannot tell them
// apart). `random` keeps one, drawn with rng.below.
std::vector<std::size_t> apply_expander(Expander e, const std::vector<PriorityRule>& priorities,
                                        const models::Cluster& cluster, const std::vector<ScaleUpOption>& options,
                                        const std::vector<std::size_t>& candidates, sim::Rng& rng);

// Runs the chain and breaks a remaining tie with rng.below (no draw when one is
// left). Returns an index into `options`, which must not be empty.
std::size_t choose_option(const std::vector<Expander>& chain, const std::vector<PriorityRule>& priorities,
                          const models::Cluster& cluster, const std::vector<ScaleUpOption>& options, sim::Rng& rng);

}  // namespace fleetsim::policies
