#include "cli/sweep.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "analysis/sweep_runner.hpp"
#include "cli/sweep_k8s.hpp"
#include "version.hpp"
#ifdef FLEETSIM_HAVE_MPI
#include <memory>

#include "mpi/sweep_mpi.hpp"
#endif
#include "sim/progress.hpp"
#include "util/input_error.hpp"

namespace fleetsim::cli {

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a) {
  auto* c = app.add_subcommand(
      "sweep",
      "Run a sweep spec: parameters varied over a grid, random samples or a Latin hypercube, times seeds; writes "
      "sweep.csv, sweep.h5, summary.csv, effects.csv and surface.csv (docs/sweeps.md). Rerunning the same command "
      "resumes; under mpirun, rank 0 hands runs to the other ranks.");
  c->add_option("spec", a.spec, "sweep spec YAML file")->required();
  c->add_option("--out", a.out, "sweep directory (default: results/sweeps/<spec name>)");
  c->add_option("--threads", a.threads, "worker threads (0: one per hardware thread)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  c->add_option("--shard", a.shard, "I/N: run only the runs whose index % N == I (0 <= I < N)");
  c->add_option("--merge", a.merge, "shard directories to join into --out (runs nothing)")->expected(1, -1);
  c->add_flag("--keep-runs", a.keep_runs, "also write each run's full results directory under DIR/runs/");
  c->add_flag("--fresh", a.fresh, "delete results of another spec or build found in --out and start over");
  c->add_flag("--dry-run", a.dry_run, "check the spec and every point's scenario, print the points, run nothing");
  c->add_flag("--quiet,-q", a.quiet, "print nothing; only write the results");
  c->add_flag("--emit-k8s", a.emit_k8s,
              "print an Indexed Job (one shard per index), its merge Job and a Kubeflow MPIJob for the sweep; run "
              "nothing");
  c->add_option("--k8s-shards", a.k8s_shards, "--emit-k8s: shards of the Indexed Job, ranks of the MPIJob")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  c->add_option("--image", a.image, "--emit-k8s: container image with fleetsim, the spec and its scenarios")
      ->capture_default_str();
  return c;
}

namespace {
void parse_shard(const std::string& text, std::size_t* shard, std::size_t* shards) {
  const auto slash = text.find('/');
  auto number = [&](const char* b, const char* e, std::size_t* v) {
    auto [p, ec] = std::from_chars(b, e, *v);
    return b != e && ec == std::errc() && p == e;
  };
  if (slash == std::string::npos || !number(text.data(), text.data() + slash, shard) ||
      !number(text.data() + slash + 1, text.data() + text.size(), shards) || *shards == 0 || *shard >= *shards)
    throw InputError("--shard " + text + ": expected I/N with 0 <= I < N, e.g. 0/3");
}

std::string outputs(const analysis::SweepPlan& plan) {
  return std::string("sweep.csv, sweep.h5, summary.csv, ") + (plan.design.baseline ? "paired.csv, " : "") +
         "effects.csv, surface.csv";
}
}  // namespace

int cmd_sweep(const SweepArgs& a) {
  if (!a.merge.empty() && !a.shard.empty()) throw InputError("--merge joins shards; it takes no --shard");
  analysis::SweepOptions o;
  if (!a.shard.empty()) parse_shard(a.shard, &o.shard, &o.shards);
  const auto start = std::chrono::steady_clock::now();
  auto plan = analysis::plan_sweep(a.spec, a.threads);
  const std::string out = a.out.empty() ? "results/sweeps/" + plan.spec.name : a.out;
  const auto& d = plan.design;
  if (a.emit_k8s) {
    std::cout << k8s_manifests({plan.spec.name, a.spec, a.k8s_shards,
                                a.image.empty() ? std::string("fleetsim:") + FLEETSIM_VERSION : a.image});
    return 0;
  }
  if (a.dry_run) {
    std::cout << "fleetsim sweep: " << plan.spec.name << ": " << d.points.size() << " point(s) x " << d.seeds.size()
              << " seed(s) = " << (plan.spec.sequential ? "up to " : "") << d.runs() << " runs; spec hash "
              << plan.info.identity.spec_hash << "\n  seeds";
    for (auto s : d.seeds) std::cout << ' ' << s;
    std::cout << "\n";
    for (std::size_t p = 0; p < d.points.size(); ++p) {
      std::cout << "  point " << p << (d.baseline == p ? " (baseline)" : "") << ":";
      for (const auto& x : d.assignments(p)) std::cout << ' ' << x;
      std::cout << "\n";
    }
    return 0;
  }
  if (!a.merge.empty()) {
    analysis::merge_sweep(plan, a.merge, out);
    if (!a.quiet)
      std::cout << "fleetsim sweep: " << plan.spec.name << ": merged " << d.runs() << " runs from " << a.merge.size()
                << " director" << (a.merge.size() == 1 ? "y" : "ies") << "\n  results     " << out << "/ ("
                << outputs(plan) << ")\n";
    return 0;
  }
  o.threads = a.threads;
  o.fresh = a.fresh;
  o.keep_runs = a.keep_runs;
  int ranks = 0;
#ifdef FLEETSIM_HAVE_MPI
  // Under mpirun: rank 0 runs the sweep and hands its runs to the other ranks.
  std::unique_ptr<mpi::Session> session;
  if (mpi::launched_by_mpirun()) session = std::make_unique<mpi::Session>();
  if (session && session->rank() > 0) {
    session->serve(plan, out, a.keep_runs);
    return 0;
  }
  if (session && session->size() > 1) {
    ranks = session->size();
    o.remote = [&](const std::vector<std::size_t>& runs, const std::function<void(std::size_t)>& done) {
      session->dispatch(runs, done);
    };
  }
#endif
  sim::Progress progress(!a.quiet && sim::Progress::stderr_is_terminal());
  o.on_progress = [&](std::size_t done, std::size_t total) { progress.update_runs(done, total); };
  const auto st = analysis::run_sweep(plan, out, o);
  progress.finish();
  if (a.quiet) return 0;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char t[128];
  if (ranks > 0)
    std::snprintf(t, sizeof t, "%.1f s on %d MPI ranks (1 dispatching)", seconds, ranks);
  else
    std::snprintf(t, sizeof t, "%.1f s on %d thread%s", seconds, st.threads, st.threads == 1 ? "" : "s");
  std::cout << "fleetsim sweep: " << plan.spec.name << ": " << d.points.size() << " point(s) x " << d.seeds.size()
            << " seed(s) = " << (plan.spec.sequential ? "up to " : "") << d.runs() << " runs";
  if (o.shards > 1) std::cout << "; shard " << o.shard << "/" << o.shards << ": " << st.in_shard << " runs";
  std::cout << "\n  ran         " << st.ran << " (" << st.already << " recorded before), " << t << "\n";
  if (st.complete)
    std::cout << "  results     " << out << "/ (" << outputs(plan) << ")\n";
  else
    std::cout << "  results     " << out << "/points/ (incomplete: " << st.runs - st.in_shard
              << " runs belong to other shards; join them with --merge)\n";
  return 0;
}

}  // namespace fleetsim::cli
