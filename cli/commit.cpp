#include "cli/commit.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/commitment.hpp"
#include "analysis/purchases.hpp"
#include "util/input_error.hpp"

namespace fleetsim::cli {

namespace fs = std::filesystem;

CLI::App* add_commit_command(CLI::App& app, CommitArgs& a) {
  auto* c = app.add_subcommand(
      "commit",
      "Recommend commitments for a finished run: per on-demand instance type the number of reserved instances, and "
      "the compute savings-plan $/h, that minimize its bill; writes the curve of total cost against commitment to "
      "commitment.csv (docs/purchasing.md).");
  c->add_option("run_dir", a.run_dir, "a results directory written by fleetsim run (reads its usage.csv)")->required();
  c->add_option("--term", a.term, "commitment term")->capture_default_str()->check(CLI::IsMember({"1y", "3y"}));
  c->add_option("--payment", a.payment, "reservation payment option")
      ->capture_default_str()
      ->check(CLI::IsMember({"no-upfront", "partial-upfront", "all-upfront"}));
  c->add_option("--price-book", a.price_book,
                "price book CSV (default: the run's purchasing.price_book, else data/prices/aws-gpu-prices.csv)");
  c->add_option("--out", a.out, "directory for commitment.csv (default: RUN_DIR)");
  return c;
}

namespace {
std::string money(double usd) {
  char b[32];
  std::snprintf(b, sizeof b, "$%.2f", usd);
  return b;
}
}  // namespace

int cmd_commit(const CommitArgs& a) {
  const fs::path dir(a.run_dir);
  const fs::path usage_path = dir / "usage.csv";
  if (!fs::exists(usage_path))
    throw InputError(a.run_dir + ": not a results directory of fleetsim run (no usage.csv; rerun the scenario)");
  std::string book_path = a.price_book;
  if (book_path.empty() && fs::exists(dir / "summary.json")) {
    std::ifstream in(dir / "summary.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.contains("purchases") && j["purchases"].contains("price_book"))
      book_path = j["purchases"]["price_book"].get<std::string>();
  }
  if (book_path.empty()) book_path = models::builtin_price_book_path();
  if (!fs::exists(book_path)) throw InputError(book_path + ": price book not found (pass --price-book)");
  const auto book = models::PriceBook::load_csv(book_path);
  const auto usage = analysis::load_usage_csv(usage_path.string());
  const auto advice = analysis::recommend_commitments(usage, book, *models::parse_term(a.term),
                                                      *models::parse_payment(a.payment));
  const fs::path out = a.out.empty() ? dir : fs::path(a.out);
  fs::create_directories(out);
  analysis::write_commitment_csv((out / "commitment.csv.partial").string(), advice);
  fs::rename(out / "commitment.csv.partial", out / "commitment.csv");

  std::cout << "fleetsim commit: " << a.run_dir << " (" << usage.size() << " h, " << money(advice.on_demand_total_usd)
            << " without commitments; prices " << book_path << ")\n";
  for (const auto& r : advice.reservations) {
    const auto& at = r.curve[static_cast<std::size_t>(r.count)];
    char be[32];
    std::snprintf(be, sizeof be, "%.1f%%", 100 * r.break_even);
    std::cout << "  reserved    " << r.key.instance_type << ": " << r.count << " x " << a.term << " " << a.payment
              << " (" << money(r.effective_usd_per_hour) << "/h vs " << money(r.od_usd_per_hour)
              << "/h on-demand: break-even " << be << " of hours), bill " << money(at.total_usd) << ", saves "
              << money(advice.on_demand_total_usd - at.total_usd) << ", unused " << money(at.unused_usd) << "\n";
  }
  if (advice.savings_plan) {
    const auto& sp = *advice.savings_plan;
    std::cout << "  savings plan compute " << a.term << ": " << money(sp.usd_per_hour) << "/h, bill "
              << money(sp.total_usd) << ", saves " << money(advice.on_demand_total_usd - sp.total_usd)
              << " (each option alone)\n";
  }
  for (const auto& n : advice.notes) std::cout << "  note        " << n << "\n";
  std::cout << "  curve       " << (out / "commitment.csv").string() << "\n";
  return 0;
}

}  // namespace fleetsim::cli
