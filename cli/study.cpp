#include "cli/study.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "analysis/study_simulated.hpp"
#include "analysis/study_table.hpp"

namespace fleetsim::cli {

namespace fs = std::filesystem;

CLI::App* add_study_command(CLI::App& app, StudyArgs& a) {
  auto* c = app.add_subcommand(
      "study",
      "The static-vs-dynamic cost study (docs/purchasing.md): part (1) reproduces the published table under its own "
      "assumptions and prints the arithmetic behind each figure; part (2) runs the same workloads through the "
      "simulated mechanisms (boot, scale-down delay, spot reclaims, checkpoints, cold starts) and splits each "
      "dynamic bill into where it went. Writes study.csv, study-simulated.csv, study-parts.csv and study.svg.");
  c->add_option("--dir", a.dir, "folder with static.yaml and dynamic-inference.yaml (default: the shipped scenarios/study)");
  c->add_option("--out", a.out, "directory for the study's files")->capture_default_str();
  c->add_option("--seeds", a.seeds, "part (2) also runs each simulated scenario under this many seeds (from its own)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  return c;
}

int cmd_study(const StudyArgs& a) {
  const fs::path dir = a.dir.empty() ? fs::path(FLEETSIM_SOURCE_DIR) / "scenarios" / "study" : fs::path(a.dir);
  auto run = [&](const std::string& file, std::uint64_t seed_offset = 0) {
    return analysis::run_study_scenario((dir / file).string(), seed_offset);
  };
  const auto table = analysis::study_table(run("static.yaml"), run("dynamic-inference.yaml"));
  analysis::print_study_table(std::cout, table);

  const char* simulated[3] = {"simulated-inference.yaml", "simulated-training.yaml", "simulated-batch.yaml"};
  std::vector<analysis::Summary> first;
  std::vector<std::vector<double>> by_seed(3);
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < a.seeds; ++k) {
      auto sum = run(simulated[i], static_cast<std::uint64_t>(k));
      by_seed[i].push_back(analysis::simulated_bill(sum));
      if (k == 0) first.push_back(std::move(sum));
    }
  const auto study = analysis::simulated_study(table, run("simulated-static-inference.yaml"), first[0], first[1],
                                               first[2], by_seed);
  std::cout << "\n";
  analysis::print_simulated_study(std::cout, study);

  fs::create_directories(a.out);
  auto write = [&](const std::string& name, const auto& writer) {
    const fs::path path = fs::path(a.out) / name;
    writer(path.string() + ".partial");
    fs::rename(path.string() + ".partial", path);
    return path.string();
  };
  write("study.csv", [&](const std::string& p) { analysis::write_study_csv(p, table); });
  write("study-simulated.csv", [&](const std::string& p) { analysis::write_simulated_study_csv(p, study); });
  write("study-parts.csv", [&](const std::string& p) { analysis::write_study_parts_csv(p, study); });
  write("study.svg", [&](const std::string& p) {
    std::ofstream out(p);
    out << analysis::simulated_study_chart(study);
    if (!out) throw std::runtime_error("cannot write " + p);
  });
  std::cout << "  results     " << a.out << "/ (study.csv, study-simulated.csv, study-parts.csv, study.svg)\n";
  return 0;
}

}  // namespace fleetsim::cli
