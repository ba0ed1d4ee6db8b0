#pragma once
// `fleetsim study`: the static-vs-dynamic study. Part (1) (analysis/study_table.hpp)
// runs scenarios/study/static.yaml and dynamic-inference.yaml and prints the
// published cost table with the arithmetic behind each figure; part (2)
// (analysis/study_simulated.hpp) runs scenarios/study/simulated-*.yaml and
// prints the saving a team would see, line by line. Writes study.csv,
// study-simulated.csv, study-parts.csv and study.svg.
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct StudyArgs {
  std::string dir, out = "results/study";
  int seeds = 10;
};

CLI::App* add_study_command(CLI::App& app, StudyArgs& args);
int cmd_study(const StudyArgs& args);

}  // namespace fleetsim::cli
