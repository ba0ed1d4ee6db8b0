// fleetsim: simulate Kubernetes GPU clusters and compare policies.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "analysis/compare.hpp"
#include "analysis/fgd_experiment.hpp"
#include "analysis/fgd_report.hpp"
#include "analysis/memory_recorder.hpp"
#include "analysis/purchases.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "analysis/terminal_summary.hpp"
#include "cli/report.hpp"
#include "cli/commit.hpp"
#include "cli/study.hpp"
#include "cli/advise.hpp"
#include "cli/allocate.hpp"
#include "cli/sweep.hpp"
#include "policies/autoscaling/autoscaler.hpp"
#include "policies/partitioning/mig_partitioner.hpp"
#include "policies/placement/placement_policy.hpp"
#include "policies/provisioning/provisioner.hpp"
#include "policies/purchasing/purchase_policy.hpp"
#include "policies/queueing/queue_policy.hpp"
#include "policies/sharing/sharing_policy.hpp"
#include "scenario/scenario.hpp"
#include "util/input_error.hpp"
#include "version.hpp"
#include "world/world.hpp"

using namespace fleetsim;

namespace {

int cmd_run(const std::string& path, std::optional<std::uint64_t> seed, std::string out,
            const std::vector<std::string>& sets, bool quiet) {
  auto s = scenario::load_scenario(path, sets);
  const std::uint64_t used_seed = seed.value_or(s.seed);
  analysis::MemoryRecorder rec;
  world::World w(s, used_seed, rec);
  auto result = w.run({!quiet});
  auto summary = analysis::summarize(result);
  analysis::add_purchases(summary, result, s.purchasing);
  if (out.empty()) out = "results/" + s.name;
  analysis::write_results(out, result, summary, rec);
  if (!quiet) {
    analysis::print_summary(std::cout, summary);
    std::cout << "  results     " << out << "/ (summary.json, run.h5, jobs.csv)\n";
  }
  return 0;
}

int cmd_validate(const std::string& path, const std::vector<std::string>& sets) {
  auto s = scenario::load_scenario(path, sets);
  sim::NullRecorder rec;
  world::World w(s, s.seed, rec);  // builds the cluster and workload: checks every job can fit
  int nodes = 0;
  for (const auto& p : s.pools) nodes += p.count;
  std::cout << "ok: " << path << ": scenario '" << s.name << "', " << s.pools.size() << " pool(s), " << nodes
            << " node(s), " << s.workload.size() << " workload source(s), queue " << s.scheduler.queue.name
            << ", placement " << s.scheduler.placement.name << "\n";
  return 0;
}

// "a.b=x,y" -> {"a.b=x", "a.b=y"}. Commas inside {} or [] belong to a YAML
// value: "a=null,{p: 1, q: 2}" -> {"a=null", "a={p: 1, q: 2}"}.
std::vector<std::string> expand_vary(const std::string& v) {
  auto eq = v.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
    throw InputError("--vary " + v + ": expected path=value1,value2,... e.g. scheduler.placement=first-fit,best-fit");
  std::vector<std::string> out;
  const std::string path = v.substr(0, eq + 1), rest = v.substr(eq + 1);
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    const char c = i < rest.size() ? rest[i] : ',';
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && depth > 0) --depth;
    if (c != ',' || (depth > 0 && i < rest.size())) continue;
    out.push_back(std::string(path).append(rest, start, i - start));
    start = i + 1;
  }
  return out;
}

int cmd_compare(const std::string& path, const std::vector<std::string>& varies, int seeds,
                const std::vector<std::string>& sets, const std::string& out) {
  std::vector<std::vector<std::string>> combos{{}};
  for (const auto& v : varies) {
    std::vector<std::vector<std::string>> next;
    for (const auto& c : combos)
      for (const auto& a : expand_vary(v)) {
        auto n = c;
        n.push_back(a);
        next.push_back(n);
      }
    combos = next;
  }
  // Validate every variant before running any.
  std::vector<scenario::Scenario> scenarios;
  for (const auto& c : combos) {
    auto all = sets;
    all.insert(all.end(), c.begin(), c.end());
    scenarios.push_back(scenario::load_scenario(path, all));
  }
  std::vector<analysis::VariantResult> results;
  const bool tty = sim::Progress::stderr_is_terminal();
  for (std::size_t v = 0; v < combos.size(); ++v) {
    analysis::VariantResult vr;
    for (const auto& a : combos[v]) vr.label += (vr.label.empty() ? "" : " ") + a;
    if (vr.label.empty()) vr.label = "baseline";
    for (int k = 0; k < seeds; ++k) {
      if (tty) std::cerr << "\r  running " << vr.label << ", seed " << k + 1 << "/" << seeds << "          " << std::flush;
      sim::NullRecorder rec;
      world::World w(scenarios[v], scenarios[v].seed + static_cast<std::uint64_t>(k), rec);
      const auto r = w.run();
      vr.per_seed.push_back(analysis::summarize(r));
      analysis::add_purchases(vr.per_seed.back(), r, scenarios[v].purchasing);
    }
    results.push_back(std::move(vr));
  }
  if (tty) std::cerr << "\r" << std::string(100, ' ') << "\r";
  std::cout << "fleetsim compare: " << scenarios[0].name << "\n";
  analysis::print_comparison(std::cout, results);
  if (!out.empty()) {
    std::filesystem::create_directories(out);
    analysis::write_comparison_csv(out + "/compare.csv.partial", results);
    std::filesystem::rename(out + "/compare.csv.partial", out + "/compare.csv");
    std::cout << "per-seed values: " << out << "/compare.csv\n";
  }
  return 0;
}

struct FgdArgs {
  std::string nodes = "data/alibaba-gpu-v2023/openb_node_list_gpu_node.csv";
  std::string pods = "data/alibaba-gpu-v2023/openb_pod_list_default.csv";
  std::string policies = "all";
  std::string out = "results/fgd";
  int seeds = 10;
  std::uint64_t first_seed = 42;
  double inflation = 1.3;
  int threads = 0;
  bool no_plot = false, quiet = false;
};

// The FGD paper's experiment (docs/fgd.md).
int cmd_fgd(const FgdArgs& a) {
  analysis::FgdOptions o;
  if (a.policies == "all") {
    o.policies = analysis::fgd_paper_policies();
  } else {
    std::size_t start = 0;
    while (start <= a.policies.size()) {
      std::size_t comma = a.policies.find(',', start);
      if (comma == std::string::npos) comma = a.policies.size();
      if (comma > start) o.policies.push_back(a.policies.substr(start, comma - start));
      start = comma + 1;
    }
    if (o.policies.empty()) throw InputError("--policies: expected all or a comma-separated list of policy names");
  }
  for (int k = 0; k < a.seeds; ++k) o.seeds.push_back(a.first_seed + static_cast<std::uint64_t>(k));
  o.inflation = a.inflation;
  o.threads = a.threads;
  const auto start = std::chrono::steady_clock::now();
  const bool tty = sim::Progress::stderr_is_terminal();
  const bool show = !a.quiet;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  o.on_run_done = [&](const analysis::FgdRun& r, std::size_t done, std::size_t total) {
    if (!show) return;
    const bool line = !tty && (done == total || done % std::max<std::size_t>(total / 10, 1) == 0);
    if (!tty && !line) return;
    std::cerr << (tty ? "\r" : "") << "  fgd: " << done << "/" << total << " runs (last: " << r.policy << ", seed "
              << r.seed << "), " << static_cast<int>(elapsed()) << " s" << (tty ? "      " : "\n") << std::flush;
  };
  auto input = analysis::load_fgd_input(a.nodes, a.pods);
  auto runs = analysis::run_fgd_experiment(input, o);
  if (show && tty) std::cerr << "\n";
  const double seconds = elapsed();
  auto stats = analysis::summarize_fgd(runs, o.policies);
  const std::string problem = analysis::write_fgd_results(a.out, input, runs, stats, !a.no_plot);
  if (show) {
    std::size_t arrivals = 0;
    for (const auto& r : runs) arrivals += r.pods;
    std::cout << "fleetsim fgd: " << o.policies.size() << " policies x " << o.seeds.size() << " seeds on "
              << input.cluster.size() << " nodes (" << input.cluster.total_gpus() << " GPUs), " << input.pods.size()
              << " pods inflated to " << a.inflation * 100 << "% of GPU capacity (~"
              << (runs.empty() ? 0 : arrivals / runs.size()) << " arrivals per run); " << input.typical.size()
              << " typical pod shapes\n";
    analysis::print_fgd_headline(std::cout, stats, runs, o.policies, 100);
    char t[64];
    std::snprintf(t, sizeof t, "%.1f", seconds);
    std::cout << "  time        " << t << " s for " << runs.size() << " runs\n";
    std::cout << "  results     " << a.out << "/ (fgd.csv, fgd-summary.csv, fgd-runs.csv, typical-pods.csv"
              << (problem.empty() && !a.no_plot ? ", fgd.png" : "") << ")\n";
  }
  if (!problem.empty()) {
    std::cerr << "error: " << problem << "\n";
    return 1;
  }
  return 0;
}

template <class Interface>
void list_registry(const char* kind) {
  std::cout << kind << " policies:\n";
  for (const auto& [name, e] : Registry<Interface>::instance().entries()) {
    std::cout << "  " << name << "  " << e.description << "\n";
    for (const auto& p : e.params)
      std::cout << "      " << p.name << " (default " << p.default_value << "): " << p.help << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fleetsim " FLEETSIM_VERSION
               ": a discrete-event simulator and capacity planner for Kubernetes GPU clusters.\n"
               "Runs a scenario (cluster, workload, policies) and reports cost, GPU allocation, queue waits "
               "and completion times."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(FLEETSIM_VERSION " (" FLEETSIM_GIT_COMMIT ")"));

  std::string scenario_path, out;
  std::vector<std::string> sets, varies;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  int seeds = 1;

  auto* run = app.add_subcommand("run", "Run a scenario and write its results directory.");
  run->add_option("scenario", scenario_path, "scenario YAML file")->required();
  run->add_option("--seed", seed, "master seed (default: the scenario's seed)");
  run->add_option("--out", out, "results directory (default: results/<scenario name>)");
  run->add_option("--set", sets, "override a scenario value: path=value, e.g. scheduler.placement=best-fit");
  run->add_flag("--quiet,-q", quiet, "print nothing; only write the results");

  auto* validate = app.add_subcommand("validate", "Check a scenario without running it.");
  validate->add_option("scenario", scenario_path, "scenario YAML file")->required();
  validate->add_option("--set", sets, "override a scenario value: path=value");

  auto* compare = app.add_subcommand(
      "compare", "Run variants of a scenario over several seeds and print a side-by-side table.");
  compare->add_option("scenario", scenario_path, "scenario YAML file")->required();
  compare->add_option("--vary", varies, "path=v1,v2,...: one variant per value (several --vary: all combinations)")
      ->required();
  compare->add_option("--seeds", seeds, "seeds per variant (scenario seed, seed+1, ...)")
      ->check(CLI::Range(1, 10000));
  compare->add_option("--set", sets, "override a scenario value in every variant: path=value");
  compare->add_option("--out", out, "directory for compare.csv (per-seed values)");

  FgdArgs fgd_args;
  auto* fgd = app.add_subcommand(
      "fgd",
      "Reproduce the FGD paper's experiment (Weng et al., ATC'23) on an openb node and pod list: six GPU-sharing "
      "policies, workload inflated to 130% of GPU capacity, several seeds; writes CSV and a PNG chart.");
  fgd->add_option("--nodes", fgd_args.nodes, "openb node list (sn,cpu_milli,memory_mib,gpu,model)")
      ->capture_default_str();
  fgd->add_option("--pods", fgd_args.pods, "openb pod list (name,cpu_milli,memory_mib,num_gpu,gpu_milli,...)")
      ->capture_default_str();
  fgd->add_option("--policies", fgd_args.policies, "all, or a comma-separated list of GPU-sharing policies")
      ->capture_default_str();
  fgd->add_option("--seeds", fgd_args.seeds, "seeds per policy (first-seed, first-seed+1, ...)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  fgd->add_option("--first-seed", fgd_args.first_seed, "first seed (the artifact used 42..51)")->capture_default_str();
  fgd->add_option("--inflation", fgd_args.inflation, "arrived GPU request at the end, over GPU capacity")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 10.0));
  fgd->add_option("--threads", fgd_args.threads, "worker threads (0: one per hardware thread)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  fgd->add_option("--out", fgd_args.out, "results directory")->capture_default_str();
  fgd->add_flag("--no-plot", fgd_args.no_plot, "write the CSV files only, no fgd.png");
  fgd->add_flag("--quiet,-q", fgd_args.quiet, "print nothing; only write the results");

  cli::SweepArgs sweep_args;
  auto* sweep = cli::add_sweep_command(app, sweep_args);
  cli::AllocateArgs allocate_args;
  auto* allocate = cli::add_allocate_command(app, allocate_args);
  cli::AdviseArgs advise_args;
  auto* advise = cli::add_advise_command(app, advise_args);
  cli::ReportArgs report_args;
  auto* report = cli::add_report_command(app, report_args);

  cli::CommitArgs commit_args;
  auto* commit = cli::add_commit_command(app, commit_args);
  cli::StudyArgs study_args;
  auto* study = cli::add_study_command(app, study_args);

  auto* list = app.add_subcommand("list", "List the available policies and their parameters.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (*run) return cmd_run(scenario_path, seed, out, sets, quiet);
    if (*validate) return cmd_validate(scenario_path, sets);
    if (*compare) return cmd_compare(scenario_path, varies, seeds, sets, out);
    if (*fgd) return cmd_fgd(fgd_args);
    if (*sweep) return cli::cmd_sweep(sweep_args);
    if (*allocate) return cli::cmd_allocate(allocate_args);
    if (*advise) return cli::cmd_advise(advise_args);
    if (*commit) return cli::cmd_commit(commit_args);
    if (*study) return cli::cmd_study(study_args);
    if (*report) return cli::cmd_report(report_args);
    if (*list) {
      list_registry<policies::QueuePolicy>("queue");
      list_registry<policies::PlacementPolicy>("placement");
      list_registry<policies::Provisioner>("provisioning");
      list_registry<policies::PurchasePolicy>("purchasing (purchasing.policy)");
      list_registry<policies::MigPartitioner>("MIG partitioning (mig_partitioning)");
      list_registry<policies::SharingPolicy>("GPU-sharing (fleetsim fgd)");
      list_registry<policies::Autoscaler>("service autoscaling (not yet used by runs; docs/serving.md)");
      return 0;
    }
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
