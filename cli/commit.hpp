#pragma once
// `fleetsim commit RUN_DIR`: the commitment recommender (analysis/commitment.hpp)
// on a finished run's hourly usage (RUN_DIR/usage.csv): the reservation count per
// instance type and the savings-plan $/h that minimize the run's bill, with the
// curve of total cost against commitment in RUN_DIR/commitment.csv.
#include <CLI/CLI.hpp>
#include <string>

namespace fleetsim::cli {

struct CommitArgs {
  std::string run_dir, price_book, out, term = "1y", payment = "no-upfront";
};

CLI::App* add_commit_command(CLI::App& app, CommitArgs& args);
int cmd_commit(const CommitArgs& args);

}  // namespace fleetsim::cli
