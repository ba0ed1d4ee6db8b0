// Property tests: random scenarios (pools from the shipped catalog, synthetic
// workloads with gang and elastic jobs and priority classes, every queue and
// placement policy, with and without a horizon) must keep the books balanced
// and the cluster consistent, and runs must be reproducible.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/memory_recorder.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim {
namespace {

using world::JobStatus;

struct Generated {
  std::string yaml;
  std::string queue;      // fifo, fifo-blocking, priority
  std::string placement;  // first-fit, best-fit, spread
  bool horizon = false;
};

// A random but valid scenario. Every pod fits an empty node of the cluster.
Generated random_scenario(std::mt19937_64& g, int index) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); };
  struct Type {
    const char* name;
    int gpus;
  };
  const std::vector<Type> types = {{"p4d.24xlarge", 8}, {"g5.12xlarge", 4}, {"g5.xlarge", 1}, {"g4dn.xlarge", 1}};
  const std::vector<std::string> queues = {"fifo", "fifo-blocking", "priority"};
  const std::vector<std::string> placements = {"first-fit", "best-fit", "spread"};

  Generated out;
  // Cycle through every queue x placement pair so all nine appear in 20 runs.
  out.queue = queues[static_cast<std::size_t>(index) % 3];
  out.placement = placements[static_cast<std::size_t>(index / 3) % 3];
  out.horizon = index % 2 == 1;

  std::ostringstream y;
  y << "name: prop-" << index << "\n"
    << "seed: " << pick(1, 1000000) << "\n";
  if (out.horizon) y << "horizon: " << pick(2, 30) << "h\n";
  y << "priority_classes:\n"
       "  - {name: high, value: 1000}\n"
       "  - {name: mid, value: 100, preemption_policy: Never}\n"
       "  - {name: low, value: -10}\n";
  y << "cluster:\n  pools:\n";
  const int npools = pick(1, 3);
  int max_gpus = 0;
  for (int p = 0; p < npools; ++p) {
    const Type& t = types[static_cast<std::size_t>(pick(0, 3))];
    max_gpus = std::max(max_gpus, t.gpus);
    y << "    - {name: pool" << p << ", instance_type: " << t.name << ", count: " << pick(1, 4) << "}\n";
  }
  y << "scheduler:\n";
  if (out.queue == "fifo") y << "  queue: fifo\n";
  if (out.queue == "fifo-blocking") y << "  queue: {policy: fifo, blocking: true}\n";
  if (out.queue == "priority") y << "  queue: {policy: priority, preemption: true}\n";
  y << "  placement: " << out.placement << "\n";
  if (pick(0, 1)) y << "  preemption_grace: " << pick(0, 120) << "s\n";

  y << "workload:\n";
  const int nsources = pick(1, 2);
  // Elastic sources draw from their own generator, so the rest of each scenario
  // is what it was before elastic jobs existed.
  std::mt19937_64 eg(0xE1A5u + static_cast<std::uint64_t>(index));
  auto epick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(eg); };
  for (int w = 0; w < nsources; ++w) {
    y << "  - name: src" << w << "\n";
    if (epick(0, 2) == 0) {
      const int mx = epick(2, 4);
      y << "    elastic: {min_replicas: " << epick(1, mx) << ", max_replicas: " << mx
        << ", max_restarts: " << epick(0, 3) << ", scaling: " << (epick(0, 1) ? "linear" : "{amdahl: 0.9}")
        << ", rescale_pause: " << epick(0, 60) << "s}\n";
    }
    y << "    synthetic:\n"
      << "      count: " << pick(20, 120) << "\n"
      << "      arrivals: {rate: " << pick(2, 30) << "/h}\n";
    if (pick(0, 1))
      y << "      duration: {distribution: exponential, mean: " << pick(5, 120) << "m, min: 30s}\n";
    else
      y << "      duration: {distribution: lognormal, median: " << pick(5, 90) << "m, sigma: 1.0, max: 8h}\n";
    y << "      shapes:\n";
    const int nshapes = pick(1, 3);
    for (int k = 0; k < nshapes; ++k) {
      std::vector<int> gpu_choices;
      for (int gc : {0, 1, 2, 4, 8})
        if (gc <= max_gpus) gpu_choices.push_back(gc);
      const int gpus = gpu_choices[static_cast<std::size_t>(pick(0, static_cast<int>(gpu_choices.size()) - 1))];
      const int pods = pick(0, 2) == 0 ? pick(2, 3) : 1;  // a third are gangs
      y << "        - {weight: " << pick(1, 5) << ", pods: " << pods << ", gpus_per_pod: " << gpus
        << ", cpu_milli_per_pod: " << pick(100, 2000) << ", memory_mib_per_pod: " << pick(256, 8192) << "}\n";
    }
    y << "      teams:\n";
    const std::vector<std::string> classes = {"", "high", "mid", "low"};
    const int nteams = pick(1, 3);
    for (int k = 0; k < nteams; ++k) {
      const std::string& pc = classes[static_cast<std::size_t>(pick(0, 3))];
      y << "        - {name: team" << k << ", weight: " << pick(1, 3);
      if (!pc.empty()) y << ", priority_class: " << pc;
      y << "}\n";
    }
  }
  out.yaml = y.str();
  return out;
}

struct Outcome {
  std::unique_ptr<scenario::Scenario> scenario;  // nodes point into its catalog
  analysis::MemoryRecorder rec;
  world::RunResult r;
  analysis::Summary sum;
};

std::unique_ptr<Outcome> run(const std::string& yaml, std::uint64_t seed, const std::vector<std::string>& sets = {}) {
  auto o = std::make_unique<Outcome>();
  o->scenario =
      std::make_unique<scenario::Scenario>(scenario::parse_scenario(yaml, "test.yaml", FLEETSIM_SOURCE_DIR, sets));
  world::World w(*o->scenario, seed, o->rec);
  o->r = w.run();
  o->sum = analysis::summarize(o->r);
  return o;
}

bool near_rel(double a, double b, double rel, double abs = 1e-9) {
  return std::abs(a - b) <= std::max(abs, rel * std::max(std::abs(a), std::abs(b)));
}

void check_invariants(const Outcome& o, const Generated& gen) {
  const auto& r = o.r;
  const auto& s = o.sum;
  const auto& cluster = r.cluster;
  ASSERT_EQ(r.jobs.size(), r.records.size());
  ASSERT_EQ(r.bills.size(), cluster.nodes().size());

  // Every job is in exactly one status and the counts add up.
  std::size_t by_status[6] = {0, 0, 0, 0, 0, 0};
  std::int64_t gpus_held = 0;
  double job_cost = 0, job_gpu_s = 0;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& j = r.jobs[i];
    const auto& rec = r.records[i];
    SCOPED_TRACE("job " + j.name);
    const auto st = static_cast<std::size_t>(rec.status);
    ASSERT_LT(st, 6u);
    by_status[st]++;
    job_cost += rec.cost_usd;
    job_gpu_s += rec.gpu_seconds;
    EXPECT_GE(rec.cost_usd, 0);
    EXPECT_GE(rec.gpu_seconds, 0);
    EXPECT_GE(rec.preemptions, 0);
    if (gen.queue != "priority") {
      EXPECT_EQ(rec.preemptions, 0);
    }
    switch (rec.status) {
      case JobStatus::not_arrived:
        EXPECT_TRUE(r.horizon_reached);
        EXPECT_GT(j.submit, r.end);
        EXPECT_LT(rec.first_start, 0);
        break;
      case JobStatus::queued:
        EXPECT_LE(j.submit, r.end);
        EXPECT_TRUE(rec.nodes.empty());
        break;
      case JobStatus::running:
      case JobStatus::terminating:
        EXPECT_GE(rec.last_start, rec.first_start);
        EXPECT_GE(rec.first_start, j.submit);
        EXPECT_EQ(rec.replicas, static_cast<int>(rec.nodes.size()));
        if (j.elastic) {
          // Any world size in [min, max], its pods numbered 0..n-1.
          EXPECT_GE(rec.replicas, j.elastic->min_replicas);
          EXPECT_LE(rec.replicas, j.elastic->max_replicas);
        } else {
          EXPECT_EQ(rec.nodes.size(), j.pods.size());
        }
        if (rec.status == JobStatus::running && !j.elastic) {  // (fewer elastic workers run slower)
          EXPECT_GT(rec.last_start + j.duration, r.end);
        }
        for (std::size_t k = 0; k < rec.nodes.size(); ++k) gpus_held += j.pods[k].whole_gpus();
        break;
      case JobStatus::succeeded:
        EXPECT_GE(rec.end, rec.first_start);
        EXPECT_GE(rec.first_start, j.submit);
        EXPECT_GE(rec.last_start, rec.first_start);
        EXPECT_LE(rec.end, r.end);
        if (j.elastic) {
          // Fewer workers than max run slower (linear and Amdahl curves here), and
          // restarts pause: never faster than the whole duration.
          EXPECT_GE(rec.end, rec.last_start + j.duration);
          EXPECT_GE(rec.replicas, j.elastic->min_replicas);
          EXPECT_EQ(rec.nodes.size(), static_cast<std::size_t>(rec.replicas));
          break;
        }
        // The last attempt ran the whole duration (preempted jobs restart from scratch).
        EXPECT_EQ(rec.end, rec.last_start + j.duration);
        EXPECT_EQ(rec.nodes.size(), j.pods.size());
        EXPECT_GE(rec.gpu_seconds, j.total_gpus() * sim::to_seconds(j.duration) * (1 - 1e-9));
        if (rec.preemptions == 0) {
          EXPECT_TRUE(near_rel(rec.gpu_seconds, j.total_gpus() * sim::to_seconds(j.duration), 1e-9));
          // cost = sum over pods of node price x GPU share x runtime.
          double expect = 0;
          for (std::size_t k = 0; k < j.pods.size(); ++k) {
            const auto& n = cluster.node(rec.nodes[k]);
            const double share = n.allocatable.gpus > 0
                                     ? double(j.pods[k].whole_gpus()) / n.allocatable.gpus
                                     : double(j.pods[k].cpu_milli) / double(n.allocatable.cpu_milli);
            expect += n.usd_per_hour * share * sim::to_hours(j.duration);
          }
          EXPECT_TRUE(near_rel(rec.cost_usd, expect, 1e-9)) << rec.cost_usd << " vs " << expect;
        }
        break;
      case JobStatus::stopped:
        ADD_FAILURE() << "only service replicas stop, and these scenarios have none";
        break;
      case JobStatus::failed:
        // Only an elastic job out of restarts fails (no pool here shares GPUs, so
        // nothing fails out of GPU memory).
        EXPECT_TRUE(j.elastic.has_value());
        if (j.elastic) {
          EXPECT_EQ(rec.restarts, j.elastic->max_restarts);
        }
        EXPECT_GE(rec.end, rec.first_start);
        break;
    }
    if (j.elastic) {
      EXPECT_LE(rec.restarts, j.elastic->max_restarts);
    } else {
      EXPECT_EQ(rec.restarts + rec.rescales, 0);
    }
    if (rec.first_start < 0) {
      EXPECT_EQ(rec.gpu_seconds, 0);
      EXPECT_EQ(rec.cost_usd, 0);
    }
  }
  const std::size_t total = by_status[0] + by_status[1] + by_status[2] + by_status[3] + by_status[4] + by_status[5];
  EXPECT_EQ(total, s.jobs_total);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::not_arrived)], s.jobs_not_arrived);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::queued)], s.jobs_queued);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::running)] + by_status[static_cast<int>(JobStatus::terminating)],
            s.jobs_running);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::succeeded)], s.jobs_succeeded);
  EXPECT_EQ(by_status[static_cast<int>(JobStatus::failed)], s.jobs_failed);
  EXPECT_EQ(s.jobs_succeeded + s.jobs_failed + s.jobs_running + s.jobs_queued + s.jobs_not_arrived, s.jobs_total);
  if (!r.horizon_reached) {
    EXPECT_EQ(s.jobs_not_arrived, 0u);
  }

  // GPU-seconds: allocated <= provisioned, in total and per node.
  EXPECT_LE(s.gpu_seconds_allocated, s.gpu_seconds_provisioned * (1 + 1e-12) + 1e-6);
  EXPECT_TRUE(near_rel(job_gpu_s, s.gpu_seconds_allocated, 1e-9));
  double bill = 0, idle = 0;
  for (const auto& n : cluster.nodes()) {
    const auto& b = r.bills[n.id];
    SCOPED_TRACE("node " + n.name);
    EXPECT_LE(b.allocated_gpu_seconds, n.allocatable.gpus * b.lifetime_s * (1 + 1e-12) + 1e-6);
    EXPECT_LE(b.allocated_usd, b.cost_usd + 1e-9);
    EXPECT_GE(b.billed_s, b.lifetime_s);
    EXPECT_TRUE(near_rel(b.idle_usd, b.cost_usd - b.allocated_usd, 1e-12));
    bill += b.cost_usd;
    idle += b.idle_usd;
    // The final cluster is never over-allocated.
    EXPECT_TRUE(n.allocatable.covers(n.requested));
    EXPECT_LE(static_cast<int>(n.pods.size()), n.max_pods);
    models::Resources bound;
    std::uint32_t masks = 0;
    for (const auto& p : n.pods) {
      bound += p.request;
      EXPECT_EQ(masks & p.gpu_mask, 0u) << "two pods share a GPU";
      masks |= p.gpu_mask;
      EXPECT_EQ(std::popcount(p.gpu_mask), p.request.gpus);
      const auto st = r.records[p.ref.job].status;
      EXPECT_TRUE(st == JobStatus::running || st == JobStatus::terminating) << world::to_string(st);
      EXPECT_EQ(r.records[p.ref.job].nodes.at(p.ref.pod), n.id);
    }
    EXPECT_EQ(bound, n.requested);
    EXPECT_EQ(masks & n.free_gpu_mask, 0u);
  }
  EXPECT_EQ(cluster.gpus_allocated(), gpus_held);
  EXPECT_TRUE(near_rel(bill, s.cost_total, 1e-12));
  EXPECT_TRUE(near_rel(idle, s.cost_idle, 1e-12));
  // The books balance: what jobs were charged plus idle is the bill.
  EXPECT_TRUE(near_rel(job_cost + idle, bill, 1e-6)) << job_cost << " + " << idle << " vs " << bill;
  EXPECT_TRUE(near_rel(job_cost, s.cost_allocated, 1e-9));

  // Never over-allocated at any instant: the recorded series.
  const auto* alloc = o.rec.find("gpus_allocated");
  const auto* prov = o.rec.find("gpus_provisioned");
  ASSERT_NE(alloc, nullptr);
  ASSERT_NE(prov, nullptr);
  ASSERT_FALSE(prov->value.empty());
  for (double v : alloc->value) {
    EXPECT_GE(v, 0);
    EXPECT_LE(v, prov->value.back());
  }
}

class Invariants : public ::testing::TestWithParam<int> {};

TEST_P(Invariants, HoldOnRandomScenario) {
  std::mt19937_64 g(0xF1EE7u + static_cast<std::uint64_t>(GetParam()) * 7919u);
  const Generated gen = random_scenario(g, GetParam());
  SCOPED_TRACE(gen.yaml);
  auto o = run(gen.yaml, 1 + static_cast<std::uint64_t>(GetParam()));
  check_invariants(*o, gen);
  EXPECT_GT(o->sum.jobs_total, 0u);
  if (!gen.horizon) {
    EXPECT_FALSE(o->r.horizon_reached);
  }
}

INSTANTIATE_TEST_SUITE_P(Random, Invariants, ::testing::Range(0, 20));

TEST(Invariants, CoverPreemptionAndHorizons) {
  // The generator must actually exercise preemption, gangs and cut-off runs.
  std::uint64_t preemptions = 0;
  std::size_t cut_off = 0, gangs = 0, elastic = 0, partial = 0, grown = 0;
  for (int i = 0; i < 20; ++i) {
    std::mt19937_64 g(0xF1EE7u + static_cast<std::uint64_t>(i) * 7919u);
    const Generated gen = random_scenario(g, i);
    auto o = run(gen.yaml, 1 + static_cast<std::uint64_t>(i));
    preemptions += o->sum.preemptions;
    cut_off += o->r.horizon_reached && (o->sum.jobs_running + o->sum.jobs_queued + o->sum.jobs_not_arrived) > 0;
    for (std::size_t k = 0; k < o->r.jobs.size(); ++k) {
      const auto& j = o->r.jobs[k];
      const auto& rec = o->r.records[k];
      gangs += j.pods.size() > 1 && !j.elastic;
      elastic += j.elastic.has_value();
      partial += j.elastic && rec.replicas > 0 && rec.replicas < j.elastic->max_replicas;
      grown += static_cast<std::size_t>(rec.rescales);
    }
  }
  EXPECT_GT(preemptions, 0u);
  EXPECT_GT(cut_off, 0u);
  EXPECT_GT(gangs, 0u);
  EXPECT_GT(elastic, 0u);
  EXPECT_GT(partial + grown, 0u);  // some elastic job ran below max, or grew back
}

void expect_same_records(const world::RunResult& a, const world::RunResult& b) {
  ASSERT_EQ(a.records.size(), b.records.size());
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    SCOPED_TRACE("job " + a.jobs[i].name);
    const auto &x = a.records[i], &y = b.records[i];
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.first_start, y.first_start);
    EXPECT_EQ(x.last_start, y.last_start);
    EXPECT_EQ(x.end, y.end);
    EXPECT_EQ(x.preemptions, y.preemptions);
    EXPECT_EQ(x.gpu_seconds, y.gpu_seconds);
    EXPECT_EQ(x.cost_usd, y.cost_usd);
    EXPECT_EQ(x.nodes, y.nodes);
  }
}

// A busy scenario with preemption and a horizon: the hardest case to reproduce.
std::string busy_scenario() {
  for (int i = 0;; ++i) {
    std::mt19937_64 g(0xF1EE7u + static_cast<std::uint64_t>(i) * 7919u);
    Generated gen = random_scenario(g, i);
    if (gen.queue == "priority" && gen.horizon) return gen.yaml;
  }
}

TEST(Determinism, SameSeedSameBytes) {
  const std::string yaml = busy_scenario();
  auto a = run(yaml, 12345);
  auto b = run(yaml, 12345);
  EXPECT_EQ(analysis::summary_json(a->sum, a->r), analysis::summary_json(b->sum, b->r));
  expect_same_records(a->r, b->r);
  EXPECT_EQ(a->r.events, b->r.events);
  EXPECT_EQ(a->r.end, b->r.end);
}

TEST(Determinism, DifferentSeedDifferentResults) {
  const std::string yaml = busy_scenario();
  auto a = run(yaml, 12345);
  auto b = run(yaml, 12346);
  EXPECT_NE(analysis::summary_json(a->sum, a->r), analysis::summary_json(b->sum, b->r));
  bool submits_differ = a->r.jobs.size() != b->r.jobs.size();
  for (std::size_t i = 0; !submits_differ && i < a->r.jobs.size(); ++i)
    submits_differ = a->r.jobs[i].submit != b->r.jobs[i].submit;
  EXPECT_TRUE(submits_differ);
}

TEST(Determinism, CommonRandomNumbersAcrossPlacements) {
  // Two policies on the same seed see the same workload: the comparison is paired.
  const std::string yaml = busy_scenario();
  auto a = run(yaml, 99, {"scheduler.placement=first-fit"});
  auto b = run(yaml, 99, {"scheduler.placement=spread"});
  auto c = run(yaml, 99, {"scheduler.queue=fifo"});
  for (const auto* other : {&b->r, &c->r}) {
    ASSERT_EQ(a->r.jobs.size(), other->jobs.size());
    for (std::size_t i = 0; i < a->r.jobs.size(); ++i) {
      const auto &x = a->r.jobs[i], &y = other->jobs[i];
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.submit, y.submit);
      EXPECT_EQ(x.duration, y.duration);
      EXPECT_EQ(x.pods.size(), y.pods.size());
      EXPECT_EQ(x.total_gpus(), y.total_gpus());
      EXPECT_EQ(x.priority, y.priority);
      EXPECT_EQ(x.team, y.team);
    }
  }
}

}  // namespace
}  // namespace fleetsim
