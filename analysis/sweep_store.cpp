#include "analysis/sweep_store.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/rng.hpp"
#include "util/input_error.hpp"
#include "version.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

SweepIdentity sweep_identity(const std::string& spec_text, const std::string& scenario_text) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(sim::stable_hash(spec_text + '\0' + scenario_text)));
  return {FLEETSIM_VERSION, FLEETSIM_GIT_COMMIT, hash};
}

const std::vector<std::string>& sweep_outputs() {
  static const std::vector<std::string> files{"sweep.h5", "summary.csv", "effects.csv", "surface.csv", "sweep.csv"};
  return files;
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".partial." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

namespace {
ordered_json identity_json(const SweepIdentity& id) {
  return {{"fleetsim_version", id.version}, {"git_commit", id.commit}, {"spec_hash", id.spec_hash}};
}

std::optional<SweepIdentity> identity_from(const ordered_json& j) {
  if (!j.is_object() || !j.contains("fleetsim_version") || !j.contains("git_commit") || !j.contains("spec_hash"))
    return std::nullopt;
  return SweepIdentity{j["fleetsim_version"].get<std::string>(), j["git_commit"].get<std::string>(),
                       j["spec_hash"].get<std::string>()};
}

ordered_json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open");
  try {
    return ordered_json::parse(in);
  } catch (const std::exception&) {
    throw InputError(path.string() + ": not a sweep file (not valid JSON)");
  }
}

std::string describe(const SweepIdentity& id) {
  return "spec hash " + id.spec_hash + ", fleetsim " + id.version + " (" + id.commit + ")";
}
}  // namespace

SweepIdentity read_sweep_identity(const std::string& dir) {
  const fs::path path = fs::path(dir) / "sweep.json";
  if (!fs::exists(path)) throw InputError(dir + ": not a sweep directory (no sweep.json)");
  auto id = identity_from(read_json(path));
  if (!id) throw InputError(path.string() + ": not a sweep file (no spec_hash, fleetsim_version, git_commit)");
  return *id;
}

void open_sweep_dir(const std::string& dir, const SweepIdentity& id, std::size_t runs, bool fresh) {
  const fs::path root(dir);
  if (fs::exists(root / "sweep.json")) {
    const SweepIdentity old = read_sweep_identity(dir);
    if (!(old == id)) {
      if (!fresh)
        throw InputError(dir + ": holds results of another sweep (" + describe(old) + "); this one is " + describe(id) +
                         ". Use --fresh to delete them and start over, or another --out");
      fs::remove_all(root / "points");
      fs::remove_all(root / "runs");
      for (const auto& f : sweep_outputs()) fs::remove(root / f);
      fs::remove(root / "paired.csv");
    }
  } else if (fs::exists(root / "points")) {
    throw InputError(dir + ": has points/ but no sweep.json; not a sweep directory fleetsim can resume");
  }
  fs::create_directories(root / "points");
  for (const auto& folder : {root, root / "points"})  // temporaries of a killed run
    for (const auto& e : fs::directory_iterator(folder))
      if (e.is_regular_file() && e.path().filename().string().find(".partial.") != std::string::npos)
        fs::remove(e.path());
  ordered_json j = identity_json(id);
  j["runs"] = runs;
  write_atomically((root / "sweep.json").string(), j.dump(2) + "\n");
}

std::string run_file(const std::string& dir, std::size_t run) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu.json", run);
  return (fs::path(dir) / "points" / name).string();
}

std::string run_results_dir(const std::string& dir, std::size_t run) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu", run);
  return (fs::path(dir) / "runs" / name).string();
}

void write_run(const std::string& dir, const RunRecord& r, const SweepIdentity& id) {
  ordered_json j = identity_json(id);
  j["run"] = r.run;
  j["point"] = r.point;
  j["seed"] = r.seed;
  j["parameters"] = r.assignments;
  ordered_json m = ordered_json::array();
  for (const auto& [name, value] : r.metrics)  // NaN is written as null
    m.push_back({name, std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr)});
  j["metrics"] = m;
  write_atomically(run_file(dir, r.run), j.dump() + "\n");
}

std::optional<RunRecord> read_run(const std::string& dir, std::size_t run, const SweepIdentity& id) {
  const std::string path = run_file(dir, run);
  if (!fs::exists(path)) return std::nullopt;
  const ordered_json j = read_json(path);
  auto got = identity_from(j);
  if (!got || !(*got == id))
    throw InputError(path + ": made by another sweep (" + (got ? describe(*got) : "no identity") + "), not " +
                     describe(id));
  RunRecord r;
  try {
    r.run = j.at("run").get<std::size_t>();
    r.point = j.at("point").get<std::size_t>();
    r.seed = j.at("seed").get<std::uint64_t>();
    r.assignments = j.at("parameters").get<std::vector<std::string>>();
    for (const auto& m : j.at("metrics"))
      r.metrics.emplace_back(m.at(0).get<std::string>(),
                             m.at(1).is_null() ? std::numeric_limits<double>::quiet_NaN() : m.at(1).get<double>());
  } catch (const std::exception&) {
    throw InputError(path + ": not a sweep run file (missing or mistyped fields)");
  }
  if (r.run != run) throw InputError(path + ": records run " + std::to_string(r.run) + ", not " + std::to_string(run));
  return r;
}

}  // namespace fleetsim::analysis
