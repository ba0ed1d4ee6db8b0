// The classic "hold" model for priority queues (Jones 1986; Rönngren & Ayani 1997):
// pre-fill N pending events, then repeat { pop the earliest; push a new event at
// popped time + a random increment }. The queue size stays at N, so items/s
// measures one pop plus one push at that size.
//
// Two queues run side by side on the same increments:
//   fleetsim  fleetsim::sim::EventQueue (4-ary heap + slot table for cancellation)
//   bare      std::priority_queue of the same POD (time, seq, type, payload),
//             ordered by time then seq, like EventQueue
// Increments come from a fixed-seed generator and are precomputed, so the RNG
// is not measured. After Google Benchmark's own table, a summary prints the
// ratio fleetsim/bare per size and distribution (floor: 0.5).
//
// Defaults (overridable): 5 repetitions in random interleaved order, 0.2 s each,
// medians shown. items/s is per CPU second (Google Benchmark's default).
//
//   build-bench/bench/event_queue_bench                       # everything, ~30 s
//   build-bench/bench/event_queue_bench --benchmark_filter=pending:1000000/
//   build-bench/bench/event_queue_bench --benchmark_repetitions=1 --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "sim/event_queue.hpp"

namespace {

using fleetsim::sim::SimTime;

constexpr SimTime kMeanIncrement = 1'000'000;  // 1 s in microseconds: ties are rare
constexpr std::size_t kIncrements = std::size_t{1} << 16;
constexpr std::size_t kIncrementMask = kIncrements - 1;

enum Distribution : std::int64_t { kExponential = 0, kUniform = 1 };

const char* distribution_name(std::int64_t d) { return d == kExponential ? "exponential" : "uniform"; }

// Exponential (mean 1 s) or uniform on [0, 2 s], at least 1 us, fixed seed.
const std::vector<SimTime>& increments(std::int64_t dist) {
  static const auto make = [](std::int64_t d) {
    std::mt19937_64 gen(d == kExponential ? 0x5eed0001u : 0x5eed0002u);
    std::vector<SimTime> v(kIncrements);
    std::exponential_distribution<double> expo(1.0 / static_cast<double>(kMeanIncrement));
    std::uniform_int_distribution<SimTime> uni(1, 2 * kMeanIncrement);
    for (auto& x : v) x = d == kExponential ? std::max<SimTime>(1, std::llround(expo(gen))) : uni(gen);
    return v;
  };
  static const std::vector<SimTime> expo = make(kExponential), uni = make(kUniform);
  return dist == kExponential ? expo : uni;
}

// ---- the two queues behind one tiny interface ----

struct FleetsimQueue {
  static constexpr const char* name = "fleetsim";
  fleetsim::sim::EventQueue q;
  void push(SimTime t, std::uint32_t type, std::uint64_t payload) { q.push(t, type, payload); }
  fleetsim::sim::Event pop() { return *q.pop(); }
};

struct BareEvent {  // the same POD EventQueue hands out
  SimTime time;
  std::uint64_t seq;
  std::uint32_t type;
  std::uint64_t payload;
};
struct Later {  // std::priority_queue is a max-heap: "less" = "later"
  bool operator()(const BareEvent& a, const BareEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

struct BareQueue {
  static constexpr const char* name = "bare";
  std::priority_queue<BareEvent, std::vector<BareEvent>, Later> q;
  std::uint64_t next_seq = 1;
  void push(SimTime t, std::uint32_t type, std::uint64_t payload) { q.push(BareEvent{t, next_seq++, type, payload}); }
  BareEvent pop() {
    BareEvent e = q.top();
    q.pop();
    return e;
  }
};

template <class Q>
void BM_Hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& inc = increments(state.range(1));
  Q q;
  // Initial times drawn from the increment distribution, as in the classic model.
  for (std::size_t i = 0; i < n; ++i)
    q.push(inc[(i * 7919) & kIncrementMask], static_cast<std::uint32_t>(i & 3), i);
  std::size_t k = 0;
  for (auto _ : state) {
    auto ev = q.pop();
    q.push(ev.time + inc[k++ & kIncrementMask], ev.type, ev.payload);
  }
  benchmark::DoNotOptimize(q);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(distribution_name(state.range(1)));
}

void hold_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"pending", "dist"});
  for (std::int64_t dist : {kExponential, kUniform})
    for (std::int64_t n : {1'000, 100'000, 1'000'000}) b->Args({n, dist});
}

BENCHMARK_TEMPLATE(BM_Hold, FleetsimQueue)->Name("hold/fleetsim")->Apply(hold_args);
BENCHMARK_TEMPLATE(BM_Hold, BareQueue)->Name("hold/bare")->Apply(hold_args);

// Keeps items/s of every iteration run (repetitions included) for the summary.
class CollectingReporter final : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  // (n, dist) -> implementation -> items/s per repetition
  using Rates = std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, std::vector<double>>>;
  Rates rates, medians;

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      // Each repetition, or only the median when --benchmark_report_aggregates_only hides them.
      const bool median_aggregate = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if ((r.run_type != Run::RT_Iteration && !median_aggregate) || r.error_occurred) continue;
      auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      // run_name: function "hold/<impl>", args "pending:<n>/dist:<d>"
      const std::string impl = r.run_name.function_name.substr(r.run_name.function_name.find('/') + 1);
      long long n = 0, d = 0;
      if (std::sscanf(r.run_name.args.c_str(), "pending:%lld/dist:%lld", &n, &d) != 2) continue;
      (median_aggregate ? medians : rates)[{n, d}][impl].push_back(it->second.value);
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults for a shared, noisy machine: repetitions in random order, so a busy
  // spell hits both queues alike, and the median of each. Flags given on the
  // command line come later and win.
  std::vector<char*> args{argv[0]};
  char reps[] = "--benchmark_repetitions=5", interleave[] = "--benchmark_enable_random_interleaving=true",
       aggregates[] = "--benchmark_display_aggregates_only=true", min_time[] = "--benchmark_min_time=0.2";
  for (char* d : {reps, interleave, aggregates, min_time}) args.push_back(d);
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);
  argv = args.data();
  argc = args_count;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CollectingReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                    : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\nhold model: fleetsim::sim::EventQueue vs std::priority_queue (median items/s; floor 0.50x)\n");
  std::printf("%-12s %10s %14s %14s %8s\n", "increments", "pending", "fleetsim/s", "bare/s", "ratio");
  for (const auto& [key, by_impl] : reporter.rates.empty() ? reporter.medians : reporter.rates) {
    auto f = by_impl.find("fleetsim"), b = by_impl.find("bare");
    if (f == by_impl.end() || b == by_impl.end()) continue;  // filtered out
    const double fr = median(f->second), br = median(b->second), ratio = fr / br;
    std::printf("%-12s %10lld %14.4g %14.4g %7.2fx%s\n", distribution_name(key.second),
                static_cast<long long>(key.first), fr, br, ratio, ratio < 0.5 ? "  BELOW FLOOR" : "");
  }
  return 0;
}
