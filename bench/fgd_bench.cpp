// The FGD experiment at full size: 6 policies x 10 seeds on the openb GPU-node
// list (1,213 nodes, 6,212 GPUs) with the default pod list inflated to 130%
// (~10,800 arrivals per run). Times loading and the 60 runs (wall and CPU),
// optionally one run per policy alone, and checks that another thread count
// gives the same results. Target: the 60 runs in < 60 s on two cores.
//
//   build-bench/bench/fgd_bench                       # 2 threads
//   build-bench/bench/fgd_bench --threads 1 --breakdown
//   build-bench/bench/fgd_bench --check-threads 1     # also run on 1 thread and compare
//
// A plain main: Google Benchmark is linked but its runner is not used (one run
// of the experiment is one long measurement).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "analysis/fgd_experiment.hpp"
#include "analysis/fgd_report.hpp"

using namespace fleetsim;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

bool same(const std::vector<analysis::FgdRun>& a, const std::vector<analysis::FgdRun>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].policy != b[i].policy || a[i].seed != b[i].seed || a[i].failed != b[i].failed ||
        a[i].curve.size() != b[i].curve.size())
      return false;
    for (std::size_t x = 0; x < a[i].curve.size(); ++x) {
      const auto &p = a[i].curve[x], &q = b[i].curve[x];
      // Bit-identical, NaN included.
      if (p.reports != q.reports || std::memcmp(&p.alloc_pct, &q.alloc_pct, sizeof(double)) != 0 ||
          std::memcmp(&p.frag_pct, &q.frag_pct, sizeof(double)) != 0 ||
          std::memcmp(&p.frag_ratio_pct, &q.frag_ratio_pct, sizeof(double)) != 0)
        return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/data/alibaba-gpu-v2023/";
  std::string nodes = dir + "openb_node_list_gpu_node.csv", pods = dir + "openb_pod_list_default.csv";
  int threads = 2, seeds = 10, check_threads = 0;
  bool breakdown = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--threads")
      threads = std::atoi(value().c_str());
    else if (a == "--seeds")
      seeds = std::atoi(value().c_str());
    else if (a == "--check-threads")
      check_threads = std::atoi(value().c_str());
    else if (a == "--nodes")
      nodes = value();
    else if (a == "--pods")
      pods = value();
    else if (a == "--breakdown")
      breakdown = true;
    else {
      std::fprintf(stderr,
                   "usage: fgd_bench [--threads N] [--seeds N] [--check-threads M] [--breakdown] [--nodes F] "
                   "[--pods F]\n");
      return 2;
    }
  }

  double t0 = now();
  const auto input = analysis::load_fgd_input(nodes, pods);
  const double load_s = now() - t0;

  analysis::FgdOptions o;
  o.policies = analysis::fgd_paper_policies();
  for (int k = 0; k < seeds; ++k) o.seeds.push_back(42 + static_cast<std::uint64_t>(k));
  o.threads = threads;
  const double c0 = cpu_seconds();
  t0 = now();
  const auto runs = analysis::run_fgd_experiment(input, o);
  const double run_s = now() - t0, run_cpu = cpu_seconds() - c0;
  std::size_t arrivals = 0;
  for (const auto& r : runs) arrivals += r.pods;

  std::printf("fgd_bench: %d nodes, %lld GPUs, %zu pods, %zu typical shapes\n", input.cluster.size(),
              static_cast<long long>(input.cluster.total_gpus()), input.pods.size(), input.typical.size());
  std::printf("  load          %.3f s\n", load_s);
  std::printf("  %zu runs      %.2f s wall, %.2f s CPU on %d thread(s); %zu arrivals (%.0f per run)\n", runs.size(),
              run_s, run_cpu, threads, arrivals, static_cast<double>(arrivals) / static_cast<double>(runs.size()));
  std::printf("  total         %.2f s (load + runs)  %s\n", load_s + run_s,
              load_s + run_s < 60 ? "under the 60 s target" : "OVER the 60 s target");

  if (breakdown) {
    std::printf("  one run alone (seed 42), per policy:\n");
    for (const auto& p : o.policies) {
      t0 = now();
      const auto r = analysis::run_fgd(input, p, 42, o.inflation);
      std::printf("    %-15s %.3f s  (%zu failed of %zu)\n", p.c_str(), now() - t0, r.failed, r.pods);
    }
  }
  if (check_threads > 0) {
    o.threads = check_threads;
    t0 = now();
    const auto again = analysis::run_fgd_experiment(input, o);
    const bool ok = same(runs, again);
    std::printf("  %d thread(s): %.2f s wall; results %s\n", check_threads, now() - t0,
                ok ? "bit-identical" : "DIFFER");
    if (!ok) return 1;
  }
  auto stats = analysis::summarize_fgd(runs, o.policies);
  analysis::print_fgd_headline(std::cout, stats, runs, o.policies, 100);
  return 0;
}
