#include "analysis/study_table.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "analysis/purchases.hpp"
#include "scenario/scenario.hpp"
#include "sim/recorder.hpp"
#include "util/csv.hpp"
#include "world/world.hpp"

namespace fleetsim::analysis {

namespace {

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

double pool_cost(const Summary& s, const std::string& pool) {
  auto it = s.cost_by_pool.find(pool);
  if (it == s.cost_by_pool.end())
    throw std::invalid_argument("study: run " + s.scenario + " has no pool named " + pool);
  return it->second;
}

}  // namespace

Summary run_study_scenario(const std::string& path, std::uint64_t seed_offset) {
  const auto sc = scenario::load_scenario(path);
  sim::NullRecorder rec;
  world::World w(sc, sc.seed + seed_offset, rec);
  const auto r = w.run();
  auto sum = summarize(r);
  add_purchases(sum, r, sc.purchasing);
  return sum;
}

std::string usd_text(double usd) {
  const double cents = std::round(usd * 100);
  const auto whole = static_cast<long long>(std::floor(cents / 100));
  const auto rest = static_cast<long long>(cents) - whole * 100;
  std::string digits = std::to_string(whole), grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return "$" + grouped + (rest ? fmt(".%02.0f", static_cast<double>(rest)) : "");
}

StudyTable study_table(const Summary& st, const Summary& dyn, const StudyAssumptions& a) {
  if (!dyn.purchases) throw std::invalid_argument("study: run " + dyn.scenario + " has no purchasing: block");
  const double month_h = a.days * a.hours_per_day;
  const std::string from_static = "fleetsim run scenarios/study/static.yaml, pool ";
  StudyTable t;

  StudyLine inf;
  inf.component = "Inference (3 endpoints, 24/7)";
  inf.static_how = "3x A100 on-demand";
  inf.dynamic_how = "reserved + right-sized A10G";
  inf.static_usd = pool_cost(st, "inference");
  inf.static_arithmetic = fmt("3 nodes x $%.2f/h x %.0f h", a.a100_usd_per_hour, month_h);
  inf.static_from = from_static + "inference";
  inf.dynamic_usd = dyn.purchases->effective_usd;
  inf.dynamic_arithmetic = fmt("3 reserved A10G nodes x $%.2f/h effective x %.0f h (list $%.2f)",
                               dyn.purchases->effective_usd / (3 * month_h), month_h, dyn.purchases->list_usd);
  inf.dynamic_from = "fleetsim run scenarios/study/dynamic-inference.yaml, purchased bill";
  t.lines.push_back(inf);

  StudyLine tr;
  tr.component = "Training (2 jobs, 4h/day each)";
  tr.static_how = "dedicated nodes 24/7";
  tr.dynamic_how = "spot + Karpenter JIT";
  tr.static_usd = pool_cost(st, "training");
  tr.static_arithmetic = fmt("2 nodes x $%.2f/h x %.0f h", a.a100_usd_per_hour, month_h);
  tr.static_from = from_static + "training";
  const double tr_rate = a.a100_usd_per_hour * (1 - a.training_spot_discount);
  const double tr_hours = a.training_jobs * a.training_hours_per_day * a.days;
  tr.dynamic_usd = tr_hours * tr_rate;
  tr.dynamic_arithmetic = fmt("%.0f jobs x %.0f h/day x %.0f d = %.0f node-h", a.training_jobs,
                              a.training_hours_per_day, a.days, tr_hours) +
                          fmt(" x $%.2f/h (%.0f%% spot discount)", tr_rate, 100 * a.training_spot_discount);
  tr.dynamic_from = "assumptions";
  t.lines.push_back(tr);

  StudyLine b;
  b.component = "Batch inference (8h/day)";
  b.static_how = "dedicated A100";
  b.dynamic_how = "spot + MIG partitioned";
  b.static_usd = pool_cost(st, "batch");
  b.static_arithmetic = fmt("1 node x $%.2f/h x %.0f h", a.a100_usd_per_hour, month_h);
  b.static_from = from_static + "batch";
  const double b_rate = a.a100_usd_per_hour * (1 - a.batch_spot_discount);
  const double b_hours = a.batch_hours_per_day * a.days;
  b.dynamic_usd = b_hours * b_rate;
  b.dynamic_arithmetic = fmt("%.0f h/day x %.0f d = %.0f node-h", a.batch_hours_per_day, a.days, b_hours) +
                         fmt(" x $%.2f/h (%.0f%% spot discount)", b_rate, 100 * a.batch_spot_discount);
  b.dynamic_from = "assumptions";
  t.lines.push_back(b);

  for (const auto& l : t.lines) {
    t.static_usd += l.static_usd;
    t.dynamic_usd += l.dynamic_usd;
  }
  return t;
}

void print_study_table(std::ostream& out, const StudyTable& t) {
  out << "fleetsim study: static vs dynamic, part (1): the published table under its own assumptions\n";
  out << "| Component | Static Provisioning | Dynamic Kubernetes | Savings |\n|---|---|---|---|\n";
  for (const auto& l : t.lines)
    out << "| " << l.component << " | " << usd_text(l.static_usd) << "/mo (" << l.static_how << ") | "
        << usd_text(l.dynamic_usd) << "/mo (" << l.dynamic_how << ") | " << fmt("%.0f%%", 100 * l.saving())
        << " |\n";
  out << "| Total | " << usd_text(t.static_usd) << "/mo | " << usd_text(t.dynamic_usd) << "/mo | "
      << fmt("%.0f%%", 100 * t.saving()) << " |\n";
  out << "how each figure arises:\n";
  for (const auto& l : t.lines) {
    out << "  " << l.component << "\n";
    out << "    static   " << usd_text(l.static_usd) << " = " << l.static_arithmetic << "  [" << l.static_from << "]\n";
    out << "    dynamic  " << usd_text(l.dynamic_usd) << " = " << l.dynamic_arithmetic << "  [" << l.dynamic_from
        << "]\n";
  }
}

void write_study_csv(const std::string& path, const StudyTable& t) {
  std::ofstream out(path);
  out.precision(17);
  out << "component,static_usd,dynamic_usd,saving,static_arithmetic,dynamic_arithmetic,static_from,dynamic_from\n";
  for (const auto& l : t.lines)
    out << csv_field(l.component) << ',' << l.static_usd << ',' << l.dynamic_usd << ',' << l.saving() << ','
        << csv_field(l.static_arithmetic) << ',' << csv_field(l.dynamic_arithmetic) << ',' << csv_field(l.static_from)
        << ',' << csv_field(l.dynamic_from) << '\n';
  out << "Total," << t.static_usd << ',' << t.dynamic_usd << ',' << t.saving() << ",,,,\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace fleetsim::analysis
