// End-to-end run benchmark: scenarios/bench-100k.yaml (100,000 synthetic jobs on
// 1,000 p4d.24xlarge nodes, FIFO + first-fit) loaded, built and run the way
// `fleetsim run` does, minus writing the results directory.
//
// Each measurement runs in a forked child, so its peak RSS (getrusage
// ru_maxrss) is that run's alone and runs do not warm each other's heap. Timed
// phases: load (parse + validate the YAML), build (World: cluster, workload
// generation, initial events), run (the event loop). Wall time is steady_clock;
// CPU time is the child's user+sys, which is the steadier figure on a busy box.
//
//   build-bench/bench/synthetic_run_bench                  # 3 runs x {memory, null} recorder
//   build-bench/bench/synthetic_run_bench --repeat 5 --recorder memory
//   build-bench/bench/synthetic_run_bench --scenario other.yaml --set workload[0].synthetic.count=20000
//
// Floors (issue): load+build+run under 2 s wall and under 500 MB peak RSS on one
// core for bench-100k; 10 s and 1 GB for scenarios/bench-karpenter-spot.yaml
// (--floor-s 10 --floor-mb 1024). The program exits 0 either way; the summary
// marks a missed floor.
#include <benchmark/benchmark.h>  // linked by bench/CMakeLists.txt; only DoNotOptimize is used
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "analysis/memory_recorder.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

using namespace fleetsim;

namespace {

// What a child sends back through its pipe (plain bytes: same binary).
struct Measurement {
  int ok = 0;
  char error[256] = {};
  double load_s = 0, build_s = 0, run_s = 0;  // wall
  double cpu_s = 0;                           // user + sys of the whole child
  long rss_start_kb = 0, rss_peak_kb = 0;
  std::uint64_t jobs = 0, finished = 0, events = 0, waited = 0;
  double sim_end_h = 0, last_submit_h = 0;
  double alloc_frac = 0;  // time-weighted GPU allocation, 10%..100% of the arrival span
  double wait_p99_s = 0, wait_mean_s = 0;
  double total_s() const { return load_s + build_s + run_s; }
};

struct Options {
  std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/bench-100k.yaml";
  std::vector<std::string> sets;
  int repeat = 3;
  std::vector<std::string> recorders{"memory", "null"};
  double floor_s = 2.0;     // bench-100k's floors; the Karpenter spot bench uses 10 s and 1024 MB
  double floor_mb = 500.0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_seconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void describe(const world::RunResult& r, Measurement& m) {
  m.jobs = r.jobs.size();
  m.events = r.events;
  m.sim_end_h = sim::to_hours(r.end);
  sim::SimTime last_submit = 0;
  for (const auto& j : r.jobs) last_submit = std::max(last_submit, j.submit);
  m.last_submit_h = sim::to_hours(last_submit);
  // Steady state: skip the first 10% of the arrival span (ramp-up) and the drain.
  const double lo = 0.1 * static_cast<double>(last_submit), hi = static_cast<double>(last_submit);
  double gpu_us = 0;
  std::vector<double> waits;
  waits.reserve(r.jobs.size());
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    const auto& rec = r.records[i];
    if (rec.status == world::JobStatus::succeeded) ++m.finished;
    if (rec.first_start < 0) continue;
    const double w = sim::to_seconds(rec.first_start - r.jobs[i].submit);
    waits.push_back(w);
    if (w > 0) ++m.waited;
    const double end = rec.end < 0 ? static_cast<double>(r.end) : static_cast<double>(rec.end);
    const double a = std::max(lo, static_cast<double>(rec.last_start)), b = std::min(hi, end);
    if (b > a) gpu_us += (b - a) * r.jobs[i].total_gpus();
  }
  const double gpus = static_cast<double>(r.cluster.gpus_total());
  m.alloc_frac = hi > lo && gpus > 0 ? gpu_us / ((hi - lo) * gpus) : 0;
  if (!waits.empty()) {
    std::sort(waits.begin(), waits.end());
    m.wait_p99_s = waits[std::min(waits.size() - 1, waits.size() * 99 / 100)];
    double sum = 0;
    for (double w : waits) sum += w;
    m.wait_mean_s = sum / static_cast<double>(waits.size());
  }
}

Measurement measure(const Options& o, const std::string& recorder_kind) {
  Measurement m;
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  m.rss_start_kb = u.ru_maxrss;

  analysis::MemoryRecorder memory;
  sim::NullRecorder null;
  sim::Recorder& rec = recorder_kind == "memory" ? static_cast<sim::Recorder&>(memory) : null;

  auto t0 = std::chrono::steady_clock::now();
  const scenario::Scenario s = scenario::load_scenario(o.scenario, o.sets);
  m.load_s = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  world::World w(s, s.seed, rec);
  m.build_s = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  world::RunResult r = w.run();
  m.run_s = seconds_since(t0);

  getrusage(RUSAGE_SELF, &u);
  m.rss_peak_kb = u.ru_maxrss;
  m.cpu_s = cpu_seconds(u);
  benchmark::DoNotOptimize(r);
  describe(r, m);
  m.ok = 1;
  return m;
}

// Runs measure() in a child process and returns what it reported.
Measurement measure_in_child(const Options& o, const std::string& recorder_kind) {
  int fd[2];
  if (pipe(fd) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    close(fd[0]);
    Measurement m;
    try {
      m = measure(o, recorder_kind);
    } catch (const std::exception& e) {
      std::snprintf(m.error, sizeof m.error, "%s", e.what());
    }
    const char* p = reinterpret_cast<const char*>(&m);
    std::size_t left = sizeof m;
    while (left > 0) {
      const ssize_t n = write(fd[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    _exit(0);  // skip destructors: the parent does not time them
  }
  close(fd[1]);
  Measurement m;
  char* p = reinterpret_cast<char*>(&m);
  std::size_t got = 0;
  while (got < sizeof m) {
    const ssize_t n = read(fd[0], p + got, sizeof m - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof m) {
    m = Measurement{};
    std::snprintf(m.error, sizeof m.error, "child exited without a report (status %d)", status);
  }
  return m;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : (v[k - 1] + v[k]) / 2;
}

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--scenario FILE] [--set path=value]... [--repeat N] [--recorder memory|null|both]\n"
               "       [--floor-s SECONDS] [--floor-mb MB]\n",
               argv0);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(argv[0]);
        std::exit(1);
      }
      return argv[++i];
    };
    if (a == "--scenario") o.scenario = value();
    else if (a == "--set") o.sets.push_back(value());
    else if (a == "--repeat") o.repeat = std::max(1, std::atoi(value().c_str()));
    else if (a == "--floor-s") o.floor_s = std::atof(value().c_str());
    else if (a == "--floor-mb") o.floor_mb = std::atof(value().c_str());
    else if (a == "--recorder") {
      const std::string r = value();
      if (r == "both") o.recorders = {"memory", "null"};
      else if (r == "memory" || r == "null") o.recorders = {r};
      else {
        usage(argv[0]);
        return 1;
      }
    } else {
      usage(argv[0]);
      return a == "--help" || a == "-h" ? 0 : 1;
    }
  }

  std::printf("synthetic run benchmark: %s\n", o.scenario.c_str());
  for (const auto& s : o.sets) std::printf("  --set %s\n", s.c_str());
  std::printf("%-8s %3s %8s %8s %8s %9s %8s %11s %12s %10s\n", "recorder", "#", "load_s", "build_s", "run_s",
              "total_s", "cpu_s", "jobs/s", "events/s", "peak_MB");
  bool failed = false;
  for (const auto& kind : o.recorders) {
    std::vector<double> total, run, cpu, rss, jobs_rate, events_rate;
    Measurement last;
    for (int k = 0; k < o.repeat; ++k) {
      const Measurement m = measure_in_child(o, kind);
      if (!m.ok) {
        std::fprintf(stderr, "run failed: %s\n", m.error);
        failed = true;
        break;
      }
      const double jr = static_cast<double>(m.jobs) / m.run_s, er = static_cast<double>(m.events) / m.run_s;
      std::printf("%-8s %3d %8.3f %8.3f %8.3f %9.3f %8.3f %11.0f %12.0f %10.1f\n", kind.c_str(), k + 1, m.load_s,
                  m.build_s, m.run_s, m.total_s(), m.cpu_s, jr, er, static_cast<double>(m.rss_peak_kb) / 1024.0);
      total.push_back(m.total_s());
      run.push_back(m.run_s);
      cpu.push_back(m.cpu_s);
      rss.push_back(static_cast<double>(m.rss_peak_kb) / 1024.0);
      jobs_rate.push_back(jr);
      events_rate.push_back(er);
      last = m;
    }
    if (total.empty()) continue;
    const double t = median(total), peak = *std::max_element(rss.begin(), rss.end());
    std::printf(
        "%-8s med %8s %8s %8.3f %9.3f %8.3f %11.0f %12.0f %10.1f   total %s %g s, peak RSS %s %g MB\n",
        kind.c_str(), "", "", median(run), t, median(cpu), median(jobs_rate), median(events_rate), peak,
        t < o.floor_s ? "<" : ">= (FLOOR MISSED)", o.floor_s, peak < o.floor_mb ? "<" : ">= (FLOOR MISSED)",
        o.floor_mb);
    if (kind == o.recorders.back()) {
      std::printf(
          "\nworkload: %llu jobs (%llu finished), %llu events, simulated %.1f h (arrivals over %.1f h)\n"
          "load: GPU allocation %.1f%% (time-weighted, 10%%..100%% of the arrival span); "
          "%llu jobs waited, wait mean %.1f s, p99 %.1f s\n"
          "process RSS before loading: %.1f MB\n",
          static_cast<unsigned long long>(last.jobs), static_cast<unsigned long long>(last.finished),
          static_cast<unsigned long long>(last.events), last.sim_end_h, last.last_submit_h, 100 * last.alloc_frac,
          static_cast<unsigned long long>(last.waited), last.wait_mean_s, last.wait_p99_s,
          static_cast<double>(last.rss_start_kb) / 1024.0);
    }
  }
  return failed ? 1 : 0;
}
