#include "analysis/study_simulated.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <ostream>
#include <stdexcept>

#include "analysis/svg_chart.hpp"
#include "analysis/terminal_summary.hpp"
#include "util/csv.hpp"

namespace fleetsim::analysis {

namespace {

std::string fmt(const char* f, double a, double b = 0, double c = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

std::string pct(double share) { return fmt("%.0f%%", 100 * share); }

std::string ms(double s) { return fmt("%.0f ms", 1000 * s); }

struct SeedSpread {
  double min = 0, mean = 0, max = 0;
  std::size_t n = 0;
};

SeedSpread spread(const std::vector<double>& v) {
  SeedSpread s;
  if (v.empty()) return s;
  s.n = v.size();
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  return s;
}

// The total over seeds: the lines' bills under the same seed added up.
std::vector<double> total_by_seed(const SimulatedStudy& s) {
  std::vector<double> total;
  for (const auto& l : s.lines) {
    if (total.empty()) total.assign(l.simulated_usd_by_seed.size(), 0);
    if (l.simulated_usd_by_seed.size() != total.size()) return {};
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += l.simulated_usd_by_seed[i];
  }
  return total;
}

}  // namespace

std::vector<CostPart> simulated_cost_parts(const Summary& r, double& usd_per_gpu_hour) {
  const double prov_h = r.gpu_seconds_provisioned / 3600;
  if (std::abs(prov_h - r.node_hours) > 1e-6 * std::max(1.0, prov_h))
    throw std::invalid_argument("study: run " + r.scenario +
                                " has nodes with more than one GPU; part (2) prices node-hours as GPU-hours");
  usd_per_gpu_hour = prov_h > 0 ? r.cost_total / prov_h : 0;
  double cold_h = 0;
  for (const auto& svc : r.services) cold_h += svc.cold_start_s / 3600;
  std::vector<CostPart> parts;
  // Hours in the order commitments cover them: serving or work first.
  std::vector<CostPart> hours = {
      {r.services.empty() ? "jobs working" : "replicas serving", r.goodput_gpu_hours - cold_h, 0, true},
      {"cold starts (image pull, model load)", cold_h, 0},
      {"checkpoint writes and restores", r.checkpoint_gpu_hours, 0},
      {"work lost to spot reclaims, run again", r.lost_gpu_hours, 0},
      {"elastic re-rendezvous pauses", r.rescale_pause_gpu_hours, 0},
      {"nodes booting (launch to Ready)", r.boot_gpu_hours, 0},
      {"idle nodes (scale-down delay, consolidation)", r.idle_gpu_hours, 0},
  };
  if (r.purchases) {
    const auto& p = *r.purchases;
    double covered = p.reserved_hours_used;
    // The commitments' fees on what they covered: the effective bill less its
    // unused part and less what was left at list price.
    // Without reservations (a savings plan alone) this is the plan's discount, negative.
    parts.push_back({covered > 0 ? "commitments (effective rate)" : "commitments: savings-plan discount", covered,
                     p.effective_usd - p.unused_usd - usd_per_gpu_hour * (prov_h - covered), true});
    if (p.unused_usd > 0) parts.push_back({"commitments unused", 0, p.unused_usd});
    for (auto& h : hours) {
      const double take = std::min(covered, std::max(0.0, h.gpu_hours));
      h.gpu_hours -= take;
      covered -= take;
    }
    if (parts.front().gpu_hours > 0) {
      parts.front().what += ", covering " + hours.front().what;
      hours.front().what += " beyond them";
    }
  }
  for (auto& h : hours) {
    h.usd = h.gpu_hours * usd_per_gpu_hour;
    if (std::abs(h.gpu_hours) > 1e-9) parts.push_back(h);
  }
  return parts;
}

double simulated_bill(const Summary& r) {
  double rate = 0, usd = 0;
  for (const auto& p : simulated_cost_parts(r, rate)) usd += p.usd;
  return usd;
}

std::vector<std::string> study_effects(const Summary& r) {
  std::vector<std::string> out;
  for (const auto& svc : r.services)
    out.push_back(svc.name + ": p99 " + ms(svc.latency_p99_s) + ", " + fmt("%.1f%%", 100 * svc.slo_attainment) +
                  " within its " + ms(svc.slo_s) + " SLO, " +
                  (svc.cold_starts ? fmt("%.0f cold starts (", svc.cold_starts) +
                                         human_duration(svc.cold_start_s / svc.cold_starts) + " each)"
                                   : std::string("no cold starts")));
  if (r.jobs_total > 0) {
    out.push_back(fmt("%.0f of %.0f jobs finished", static_cast<double>(r.jobs_succeeded),
                      static_cast<double>(r.jobs_total)) +
                  (r.wait_s.count ? ", queue wait p50 " + human_duration(r.wait_s.p50) +
                                        fmt(" (%.0f%% for new nodes)",
                                            r.wait_total_s > 0 ? 100 * r.provisioning_wait_s / r.wait_total_s : 0)
                                  : std::string()) +
                  (r.jct_s.count ? ", completion p50 " + human_duration(r.jct_s.p50) : std::string()));
    if (r.deadlines.jobs)
      out.push_back(fmt("deadlines: %.0f of %.0f met", static_cast<double>(r.deadlines.met),
                        static_cast<double>(r.deadlines.jobs)));
  }
  if (r.interruptions || r.lost_gpu_hours > 0)
    out.push_back(fmt("%.0f spot reclaims, %.2f GPU-h of work lost", static_cast<double>(r.interruptions),
                      r.lost_gpu_hours));
  return out;
}

SimulatedStudy simulated_study(const StudyTable& published, const Summary& static_inference, const Summary& inference,
                               const Summary& training, const Summary& batch,
                               const std::vector<std::vector<double>>& by_seed) {
  if (published.lines.size() != 3) throw std::invalid_argument("study: part (1) must have its three lines");
  const Summary* runs[3] = {&inference, &training, &batch};
  const char* files[3] = {"simulated-inference.yaml", "simulated-training.yaml", "simulated-batch.yaml"};
  SimulatedStudy s;
  for (int i = 0; i < 3; ++i) {
    const auto& p = published.lines[i];
    SimulatedLine l;
    l.component = p.component;
    l.how = p.dynamic_how;
    l.static_usd = i == 0 ? static_inference.cost_total : p.static_usd;
    l.static_from = i == 0 ? "fleetsim run scenarios/study/simulated-static-inference.yaml" : p.static_from;
    l.published_usd = p.dynamic_usd;
    l.simulated_from = std::string("fleetsim run scenarios/study/") + files[i];
    l.parts = simulated_cost_parts(*runs[i], l.usd_per_gpu_hour);
    l.simulated_usd = simulated_bill(*runs[i]);
    if (i == 0) l.static_effects = study_effects(static_inference);
    l.simulated_effects = study_effects(*runs[i]);
    if (static_cast<std::size_t>(i) < by_seed.size()) l.simulated_usd_by_seed = by_seed[i];
    s.static_usd += l.static_usd;
    s.published_usd += l.published_usd;
    s.simulated_usd += l.simulated_usd;
    s.lines.push_back(std::move(l));
  }
  return s;
}

void print_simulated_study(std::ostream& out, const SimulatedStudy& s) {
  out << "fleetsim study, part (2): the same workloads through the simulated mechanisms\n";
  out << "| Component | Static | Dynamic, published | Dynamic, simulated | Savings, published | Savings, simulated "
         "|\n|---|---|---|---|---|---|\n";
  for (const auto& l : s.lines)
    out << "| " << l.component << " | " << usd_text(std::round(l.static_usd)) << " | "
        << usd_text(std::round(l.published_usd)) << " (" << l.how << ") | " << usd_text(std::round(l.simulated_usd))
        << " | " << pct(l.published_saving()) << " | " << pct(l.simulated_saving()) << " |\n";
  out << "| Total | " << usd_text(std::round(s.static_usd)) << " | " << usd_text(std::round(s.published_usd))
      << " | " << usd_text(std::round(s.simulated_usd)) << " | " << pct(s.published_saving()) << " | "
      << pct(s.simulated_saving()) << " |\n";
  out << "where the simulated dynamic dollars went, and what the team sees besides the bill:\n";
  for (const auto& l : s.lines) {
    out << "  " << l.component << ": " << usd_text(l.simulated_usd) << "  [" << l.simulated_from << "]\n";
    for (const auto& p : l.parts)
      out << "    " << p.what << std::string(p.what.size() < 62 ? 62 - p.what.size() : 1, ' ')
          << fmt("%9.1f GPU-h  ", p.gpu_hours) << usd_text(p.usd) << "\n";
    const double mechanisms = l.simulated_usd - l.work_usd();
    out << "    published " << usd_text(l.published_usd) << "; simulated: " << usd_text(l.work_usd())
        << " for the work itself (GPU-hours beyond commitments at " << fmt("$%.2f", l.usd_per_gpu_hour) << "), "
        << usd_text(mechanisms) << fmt(" (%.1f%%) for the mechanisms under it\n", 100 * mechanisms / l.simulated_usd);
    for (const auto& e : l.static_effects) out << "    static:  " << e << "\n";
    for (const auto& e : l.simulated_effects) out << "    dynamic: " << e << "\n";
  }
  const auto total = spread(total_by_seed(s));
  if (total.n > 1) {
    out << fmt("across %.0f seeds (spot reclaims are random): ", static_cast<double>(total.n));
    for (const auto& l : s.lines) {
      const auto sp = spread(l.simulated_usd_by_seed);
      out << l.component.substr(0, l.component.find(' ')) << " " << usd_text(std::round(sp.min));
      if (std::round(sp.max) != std::round(sp.min)) out << "-" << usd_text(std::round(sp.max));
      out << ", ";
    }
    out << "total " << usd_text(std::round(total.min)) << "-" << usd_text(std::round(total.max)) << " (mean "
        << usd_text(std::round(total.mean)) << ", saving " << pct(1 - total.max / s.static_usd) << "-"
        << pct(1 - total.min / s.static_usd) << ")\n";
  }
}

void write_simulated_study_csv(const std::string& path, const SimulatedStudy& s) {
  std::ofstream out(path);
  out.precision(17);
  out << "component,dynamic_how,static_usd,published_dynamic_usd,simulated_dynamic_usd,published_saving,"
         "simulated_saving,seeds,simulated_min_usd,simulated_mean_usd,simulated_max_usd,static_from,simulated_from\n";
  auto row = [&](const std::string& component, const std::string& how, double st, double pub, double sim,
                 const std::vector<double>& seeds, const std::string& st_from, const std::string& sim_from) {
    const auto sp = spread(seeds);
    out << csv_field(component) << ',' << csv_field(how) << ',' << st << ',' << pub << ',' << sim << ','
        << (st > 0 ? 1 - pub / st : 0) << ',' << (st > 0 ? 1 - sim / st : 0) << ',' << sp.n << ',' << sp.min << ','
        << sp.mean << ',' << sp.max << ',' << csv_field(st_from) << ',' << csv_field(sim_from) << '\n';
  };
  for (const auto& l : s.lines)
    row(l.component, l.how, l.static_usd, l.published_usd, l.simulated_usd, l.simulated_usd_by_seed, l.static_from,
        l.simulated_from);
  row("Total", "", s.static_usd, s.published_usd, s.simulated_usd, total_by_seed(s), "", "");
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_study_parts_csv(const std::string& path, const SimulatedStudy& s) {
  std::ofstream out(path);
  out.precision(17);
  out << "component,part,gpu_hours,usd\n";
  for (const auto& l : s.lines)
    for (const auto& p : l.parts)
      out << csv_field(l.component) << ',' << csv_field(p.what) << ',' << p.gpu_hours << ',' << p.usd << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string simulated_study_chart(const SimulatedStudy& s) {
  std::vector<std::string> groups;
  svg::Bars st{"static", {}}, pub{"dynamic, published", {}}, sim{"dynamic, simulated", {}};
  for (const auto& l : s.lines) {
    groups.push_back(l.component.substr(0, l.component.find(" (")));
    st.values.push_back(l.static_usd);
    pub.values.push_back(l.published_usd);
    sim.values.push_back(l.simulated_usd);
  }
  groups.push_back("Total");
  st.values.push_back(s.static_usd);
  pub.values.push_back(s.published_usd);
  sim.values.push_back(s.simulated_usd);
  svg::Axes a;
  a.title = "Static vs dynamic, monthly bill: published and simulated";
  a.y_label = "USD per month";
  a.width = 720;
  a.height = 320;
  return svg::standalone(svg::grouped_bars(a, groups, {st, pub, sim}));
}

}  // namespace fleetsim::analysis
