#include "analysis/sweep_runner.hpp"

#include <filesystem>
#include <stdexcept>

#include "analysis/memory_recorder.hpp"
#include "analysis/results_dir.hpp"
#include "analysis/summary.hpp"
#include "analysis/sweep_sequential.hpp"
#include "sim/recorder.hpp"
#include "util/input_error.hpp"
#include "util/parallel.hpp"
#include "util/suggest.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;

namespace {
std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

scenario::Scenario load_point(const scenario::SweepSpec& spec, const std::vector<std::string>& assignments) {
  auto all = spec.sets;
  all.insert(all.end(), assignments.begin(), assignments.end());
  return scenario::load_scenario(spec.scenario_path, all);
}

// Each listed value (and each end of a range) alone on the base scenario, so a
// bad value is reported at its parameter's line in the spec.
void check_values(const scenario::SweepSpec& spec) {
  for (const auto& p : spec.parameters) {
    std::vector<std::string> values = p.values;
    if (p.ranged) values = {number_text(p.lo), number_text(p.hi)};
    for (const auto& v : values) try {
        load_point(spec, {p.path + "=" + v});
      } catch (const InputError& e) {
        throw InputError(p.where + ": " + p.path + "=" + v + ": " + e.what());
      }
  }
}
}  // namespace

SweepPlan plan_sweep(const std::string& spec_path, int threads) {
  SweepPlan plan;
  plan.spec = scenario::load_sweep_spec(spec_path);
  const auto& spec = plan.spec;
  scenario::Scenario base;
  try {
    base = load_point(spec, {});
  } catch (const InputError& e) {
    throw InputError(spec.file + ": scenario " + spec.scenario_path + (spec.sets.empty() ? "" : " with set:") + ": " +
                     e.what());
  }
  check_values(spec);
  plan.design = make_design(spec, base.seed);
  // Every point's scenario, built on the pool: a World per point checks that
  // every job fits (as `fleetsim validate`). The first bad point is reported.
  const std::size_t points = plan.design.points.size();
  plan.scenarios.resize(points);
  std::vector<std::string> errors(points);
  parallel_for(points, threads, [&](std::size_t p) {
    try {
      plan.scenarios[p] = load_point(spec, plan.design.assignments(p));
      sim::NullRecorder rec;
      world::World check(plan.scenarios[p], plan.design.seeds.front(), rec);
    } catch (const InputError& e) {
      errors[p] =
          spec.file + ": point " + std::to_string(p) + " (" + joined(plan.design.assignments(p)) + "): " + e.what();
    }
  });
  for (const auto& e : errors)
    if (!e.empty()) throw InputError(e);
  plan.info.name = spec.name;
  plan.info.spec_text = spec.text;
  plan.info.scenario_text = base.text;
  plan.info.identity = sweep_identity(spec.text, base.text);
  return plan;
}

RunRecord run_point(const SweepPlan& plan, std::size_t run, const std::string& results_dir) {
  RunRecord r;
  r.run = run;
  r.point = plan.design.point_of(run);
  r.seed = plan.design.seed_of(run);
  r.assignments = plan.design.assignments(r.point);
  try {
    MemoryRecorder memory;  // only where the run's results directory is kept
    sim::NullRecorder none;
    sim::Recorder& rec = results_dir.empty() ? static_cast<sim::Recorder&>(none) : memory;
    world::World w(plan.scenarios[r.point], r.seed, rec);
    const auto result = w.run();
    const auto summary = summarize(result);
    r.metrics = headline_metrics(summary);
    if (!results_dir.empty()) write_results(results_dir, result, summary, memory);
  } catch (const InputError& e) {
    throw InputError(plan.spec.file + ": run " + std::to_string(run) + " (" + joined(r.assignments) + ", seed " +
                     std::to_string(r.seed) + "): " + e.what());
  }
  return r;
}

namespace {
// Every recorded run of the sweep, from the first directory that has it.
std::vector<std::optional<RunRecord>> load_records(const SweepPlan& plan, const std::vector<std::string>& dirs) {
  std::vector<std::optional<RunRecord>> records(plan.design.runs());
  for (std::size_t k = 0; k < records.size(); ++k) {
    for (const auto& d : dirs)
      if ((records[k] = read_run(d, k, plan.info.identity))) break;
    const auto& r = records[k];
    if (r && (r->point != plan.design.point_of(k) || r->seed != plan.design.seed_of(k) ||
              r->assignments != plan.design.assignments(r->point)))
      throw InputError(run_file(dirs.front(), k) + ": records another point or seed than the spec's run " +
                       std::to_string(k));
  }
  return records;
}

NeededRuns needed(const SweepPlan& plan, const std::vector<std::optional<RunRecord>>& records) {
  return needed_runs(plan.design, plan.spec.sequential,
                     [&](std::size_t k) { return records[k] ? &*records[k] : nullptr; });
}

// A sequential metric that no run has (a typo) would run every point to its
// last seed: refuse it once a run exists to compare with.
void check_sequential_metric(const SweepPlan& plan, const std::vector<std::optional<RunRecord>>& records) {
  if (!plan.spec.sequential) return;
  const RunRecord* any = nullptr;
  for (const auto& r : records) {
    if (!r) continue;
    any = &*r;
    for (const auto& m : r->metrics)
      if (m.first == plan.spec.sequential->metric) return;
  }
  if (!any) return;
  std::vector<std::string> names;
  for (const auto& m : any->metrics) names.push_back(m.first);
  throw InputError(plan.spec.sequential->where + ": expected a metric of the runs" +
                   did_you_mean(plan.spec.sequential->metric, names) + " (" + join(names, ", ") + "), got '" +
                   plan.spec.sequential->metric + "'");
}

std::vector<RunRecord> present(const NeededRuns& n, const std::vector<std::optional<RunRecord>>& records) {
  std::vector<RunRecord> out;
  for (std::size_t k : n.present) out.push_back(*records[k]);
  return out;
}
}  // namespace

SweepStatus run_sweep(const SweepPlan& plan, const std::string& dir, const SweepOptions& o) {
  if (o.shards == 0 || o.shard >= o.shards) throw InputError("--shard: expected I/N with 0 <= I < N");
  SweepStatus st;
  st.runs = plan.design.runs();
  open_sweep_dir(dir, plan.info.identity, st.runs, o.fresh);
  // A sequential point decides its next seed from its own results: its runs stay in one shard.
  auto in_shard = [&](std::size_t k) {
    return (plan.spec.sequential ? plan.design.point_of(k) : k) % o.shards == o.shard;
  };
  auto records = load_records(plan, {dir});
  for (std::size_t k = 0; k < records.size(); ++k) st.already += records[k] && in_shard(k);
  st.threads = effective_threads(o.threads, st.runs);
  // Rounds: run what is needed and missing; a sequential rule may then ask for more.
  for (;;) {
    std::vector<std::size_t> to_run;
    for (std::size_t k : needed(plan, records).missing)
      if (in_shard(k)) to_run.push_back(k);
    if (to_run.empty()) break;
    check_sequential_metric(plan, records);
    const std::size_t before = st.ran;
    if (o.remote) {
      std::size_t done = 0;
      o.remote(to_run, [&](std::size_t k) {
        records[k] = read_run(dir, k, plan.info.identity);
        if (!records[k]) throw std::runtime_error("run " + std::to_string(k) + " reported done but not recorded");
        st.ran = before + ++done;
        if (o.on_progress) o.on_progress(st.ran, before + to_run.size());
      });
      continue;
    }
    parallel_for(
        to_run.size(), o.threads,
        [&](std::size_t i) {
          const std::string results = o.keep_runs ? run_results_dir(dir, to_run[i]) : "";
          records[to_run[i]] = run_point(plan, to_run[i], results);
          write_run(dir, *records[to_run[i]], plan.info.identity);
        },
        [&](std::size_t, std::size_t done) {
          st.ran = before + done;
          if (o.on_progress) o.on_progress(st.ran, before + to_run.size());
        });
  }
  check_sequential_metric(plan, records);
  const auto n = needed(plan, records);
  for (std::size_t k : n.present) st.in_shard += in_shard(k);
  for (std::size_t k : n.missing) st.in_shard += in_shard(k);
  if (n.missing.empty()) {
    write_sweep_outputs(dir, plan.design, present(n, records), plan.info);
    st.complete = true;
  }
  return st;
}

void merge_sweep(const SweepPlan& plan, const std::vector<std::string>& dirs, const std::string& out) {
  for (const auto& d : dirs) {
    const SweepIdentity id = read_sweep_identity(d);
    if (!(id == plan.info.identity))
      throw InputError(d + ": results of another sweep or build (spec hash " + id.spec_hash + ", fleetsim " +
                       id.version + " (" + id.commit + ")), not of this spec (spec hash " +
                       plan.info.identity.spec_hash + ", fleetsim " + plan.info.identity.version + " (" +
                       plan.info.identity.commit + "))");
  }
  const auto records = load_records(plan, dirs);
  const auto n = needed(plan, records);
  if (!n.missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < n.missing.size() && i < 10; ++i) list += (i ? ", " : "") + std::to_string(n.missing[i]);
    throw InputError("--merge: " + std::to_string(n.missing.size()) +
                     " run(s) of the sweep are in none of the "
                     "directories (runs " +
                     list + (n.missing.size() > 10 ? ", ..." : "") + "); run the missing shards first");
  }
  const auto runs = present(n, records);
  open_sweep_dir(out, plan.info.identity, plan.design.runs(), false);
  for (const auto& r : runs)
    if (!fs::exists(run_file(out, r.run))) write_run(out, r, plan.info.identity);
  write_sweep_outputs(out, plan.design, runs, plan.info);
}

}  // namespace fleetsim::analysis
