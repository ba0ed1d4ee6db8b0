#include "cli/study.hpp"

#include <filesystem>
#include <iostream>

#include "analysis/purchases.hpp"
#include "analysis/study_table.hpp"
#include "analysis/summary.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "world/world.hpp"

namespace fleetsim::cli {

namespace fs = std::filesystem;

CLI::App* add_study_command(CLI::App& app, StudyArgs& a) {
  auto* c = app.add_subcommand(
      "study",
      "The static-vs-dynamic cost study, part (1): reproduce the published table under its own assumptions from "
      "scenarios/study/ (docs/purchasing.md); prints the table and the arithmetic behind each figure.");
  c->add_option("--dir", a.dir, "folder with static.yaml and dynamic-inference.yaml (default: the shipped scenarios/study)");
  c->add_option("--out", a.out, "directory for study.csv")->capture_default_str();
  return c;
}

int cmd_study(const StudyArgs& a) {
  const fs::path dir = a.dir.empty() ? fs::path(FLEETSIM_SOURCE_DIR) / "scenarios" / "study" : fs::path(a.dir);
  auto run = [](const fs::path& path) {
    const auto s = scenario::load_scenario(path.string());
    sim::NullRecorder rec;
    world::World w(s, s.seed, rec);
    const auto r = w.run();
    auto sum = analysis::summarize(r);
    analysis::add_purchases(sum, r, s.purchasing);
    return sum;
  };
  const auto table = analysis::study_table(run(dir / "static.yaml"), run(dir / "dynamic-inference.yaml"));
  analysis::print_study_table(std::cout, table);
  fs::create_directories(a.out);
  const fs::path csv = fs::path(a.out) / "study.csv";
  analysis::write_study_csv(csv.string() + ".partial", table);
  fs::rename(csv.string() + ".partial", csv);
  std::cout << "  results     " << csv.string() << "\n";
  return 0;
}

}  // namespace fleetsim::cli
