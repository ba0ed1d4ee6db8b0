#pragma once
// `fleetsim study`: the static-vs-dynamic study, part (1) (analysis/study_table.hpp):
// runs scenarios/study/static.yaml and dynamic-inference.yaml and prints the
// published cost table with the arithmetic behind each figure; writes study.csv.
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct StudyArgs {
  std::string dir, out = "results/study";
};

CLI::App* add_study_command(CLI::App& app, StudyArgs& args);
int cmd_study(const StudyArgs& args);

}  // namespace fleetsim::cli
