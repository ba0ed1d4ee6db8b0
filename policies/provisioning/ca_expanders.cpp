#include "policies/provisioning/ca_expanders.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim::policies {

namespace {

constexpr double kTieEpsilon = 1e-9;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

// Keeps the candidates whose key is lowest (within kTieEpsilon).
template <class Key>
std::vector<std::size_t> keep_lowest(const std::vector<std::size_t>& candidates, Key key) {
  std::vector<std::size_t> best;
  double best_value = 0;
  for (std::size_t i : candidates) {
    const double v = key(i);
    if (best.empty() || v < best_value - kTieEpsilon) {
      best = {i};
      best_value = v;
    } else if (v <= best_value + kTieEpsilon) {
      best.push_back(i);
    }
  }
  return best;
}

}  // namespace

const std::vector<std::string>& expander_names() {
  static const std::vector<std::string> names{"random", "most-pods", "least-waste", "least-nodes", "price", "priority"};
  return names;
}

const char* to_string(Expander e) { return expander_names()[static_cast<std::size_t>(e)].c_str(); }

std::vector<Expander> parse_expander_chain(const std::string& text) {
  const auto& names = expander_names();
  std::vector<Expander> chain;
  for (const auto& raw : split(text, ',')) {
    const std::string name = trim(raw);
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw InputError("cluster-autoscaler: expander: unknown expander '" + name + "'" + did_you_mean(name, names) +
                       "; expected a comma-separated list of " + join(names, ", "));
    chain.push_back(static_cast<Expander>(it - names.begin()));
  }
  return chain;
}

std::vector<PriorityRule> parse_priorities(const std::string& text) {
  std::vector<PriorityRule> rules;
  if (trim(text).empty()) return rules;
  for (const auto& raw : split(text, ';')) {
    const std::string entry = trim(raw);
    if (entry.empty()) continue;
    const auto colon = entry.find(':');
    const std::string value = colon == std::string::npos ? "" : trim(entry.substr(0, colon));
    std::int64_t prio = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), prio);
    if (colon == std::string::npos || value.empty() || ec != std::errc() || end != value.data() + value.size())
      throw InputError("cluster-autoscaler: priorities: expected value:regex pairs separated by ';' "
                       "(e.g. \"50:.*spot.*;10:.*\"), got '" + entry + "'");
    PriorityRule r;
    r.priority = prio;
    r.pattern = trim(entry.substr(colon + 1));
    try {
      r.re = std::regex(r.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw InputError("cluster-autoscaler: priorities: invalid regex '" + r.pattern + "': " + e.what());
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

double wasted_score(const ScaleUpOption& o, const models::InstanceType& type) {
  std::int64_t req_cpu = 0, req_mem = 0;
  for (const auto* p : o.pods) {
    req_cpu += p->cpu_milli;
    req_mem += p->memory_mib;
  }
  const double avail_cpu = 1000.0 * type.vcpu * o.node_count;
  const double avail_mem = 1024.0 * type.memory_gib * o.node_count;
  const double wasted_cpu = avail_cpu > 0 ? (avail_cpu - static_cast<double>(req_cpu)) / avail_cpu : 0.0;
  const double wasted_mem = avail_mem > 0 ? (avail_mem - static_cast<double>(req_mem)) / avail_mem : 0.0;
  return wasted_cpu + wasted_mem;
}

double option_price(const ScaleUpOption& o, const models::NodePool& pool) {
  const double per_node = pool.usd_per_hour > 0 ? pool.usd_per_hour : (pool.type ? pool.type->ondemand_usd_per_hour : 0);
  return per_node * o.node_count;
}

std::vector<std::size_t> apply_expander(Expander e, const std::vector<PriorityRule>& priorities,
                                        const models::Cluster& cluster, const std::vector<ScaleUpOption>& options,
                                        const std::vector<std::size_t>& candidates, sim::Rng& rng) {
  if (candidates.size() <= 1) return candidates;
  switch (e) {
    case Expander::random:
      return {candidates[rng.below(candidates.size())]};
    case Expander::most_pods:
      return keep_lowest(candidates, [&](std::size_t i) { return -static_cast<double>(options[i].pods.size()); });
    case Expander::least_nodes:
      return keep_lowest(candidates, [&](std::size_t i) { return static_cast<double>(options[i].node_count); });
    case Expander::least_waste:
      return keep_lowest(candidates, [&](std::size_t i) {
        return wasted_score(options[i], *cluster.pools().at(options[i].pool).type);
      });
    case Expander::price:
      return keep_lowest(candidates, [&](std::size_t i) {
        return option_price(options[i], cluster.pools().at(options[i].pool));
      });
    case Expander::priority: {
      // expander/priority/priority.go: the highest value with a matching regex
      // (regexp.MatchString: a match anywhere in the name); groups no regex
      // matches are dropped; if none matches at all, nothing is filtered.
      std::vector<std::size_t> best;
      std::optional<std::int64_t> best_prio;
      for (std::size_t i : candidates) {
        const std::string& name = cluster.pools().at(options[i].pool).name;
        std::optional<std::int64_t> prio;
        for (const auto& r : priorities)
          if ((!prio || r.priority > *prio) && std::regex_search(name, r.re)) prio = r.priority;
        if (!prio) continue;
        if (!best_prio || *prio > *best_prio) {
          best = {i};
          best_prio = prio;
        } else if (*prio == *best_prio) {
          best.push_back(i);
        }
      }
      return best.empty() ? candidates : best;
    }
  }
  return candidates;
}

std::size_t choose_option(const std::vector<Expander>& chain, const std::vector<PriorityRule>& priorities,
                          const models::Cluster& cluster, const std::vector<ScaleUpOption>& options, sim::Rng& rng) {
  std::vector<std::size_t> candidates(options.size());
  for (std::size_t i = 0; i < options.size(); ++i) candidates[i] = i;
  for (Expander e : chain) {
    if (candidates.size() <= 1) break;
    candidates = apply_expander(e, priorities, cluster, options, candidates, rng);
  }
  return candidates.size() == 1 ? candidates[0] : candidates[rng.below(candidates.size())];
}

}  // namespace fleetsim::policies
