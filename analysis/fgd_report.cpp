#include "analysis/fgd_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace fleetsim::analysis {

namespace fs = std::filesystem;

namespace {

std::string num(double v, int decimals) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void check(std::ofstream& out, const fs::path& path) {
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A path as one single-quoted shell word.
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  q += "'";
  return q;
}

void write_runs(const fs::path& path, const std::vector<FgdRun>& runs) {
  std::ofstream out(path);
  out << "policy,seed,arrived_pct,reports,alloc_pct,frag_pct,frag_ratio_pct,unallocated_gpus\n";
  for (const auto& r : runs)
    for (const auto& p : r.curve)
      out << r.policy << ',' << r.seed << ',' << p.arrived_pct << ',' << p.reports << ',' << num(p.alloc_pct, 4) << ','
          << num(p.frag_pct, 4) << ',' << num(p.frag_ratio_pct, 4) << ',' << num(p.unallocated_gpus, 3) << '\n';
  check(out, path);
}

void write_stats(const fs::path& path, const std::vector<FgdStat>& stats) {
  std::ofstream out(path);
  out << "policy,statistic,arrived_pct,alloc_pct,frag_pct,frag_ratio_pct,unallocated_gpus\n";
  for (const auto& s : stats)
    out << s.policy << ',' << s.statistic << ',' << s.arrived_pct << ',' << num(s.alloc_pct, 4) << ','
        << num(s.frag_pct, 4) << ',' << num(s.frag_ratio_pct, 4) << ',' << num(s.unallocated_gpus, 3) << '\n';
  check(out, path);
}

void write_run_totals(const fs::path& path, const std::vector<FgdRun>& runs) {
  std::ofstream out(path);
  out << "policy,seed,pods,failed_pods,arrived_gpu_milli\n";
  for (const auto& r : runs)
    out << r.policy << ',' << r.seed << ',' << r.pods << ',' << r.failed << ',' << r.arrived_gpu_milli << '\n';
  check(out, path);
}

void write_typical(const fs::path& path, const FgdInput& in) {
  std::ofstream out(path);
  out << "cpu_milli,num_gpu,gpu_milli,gpu_spec,pods,weight\n";
  for (const auto& t : in.typical)
    out << t.cpu_milli << ',' << t.num_gpus << ',' << t.gpu_milli << ',' << t.gpu_spec << ',' << t.count << ','
        << num(t.weight, 6) << '\n';
  check(out, path);
}

}  // namespace

std::vector<FgdStat> summarize_fgd(const std::vector<FgdRun>& runs, const std::vector<std::string>& policies) {
  std::vector<FgdStat> out;
  using Field = double FgdPoint::*;
  const Field fields[4] = {&FgdPoint::alloc_pct, &FgdPoint::frag_pct, &FgdPoint::frag_ratio_pct,
                           &FgdPoint::unallocated_gpus};
  double FgdStat::*const targets[4] = {&FgdStat::alloc_pct, &FgdStat::frag_pct, &FgdStat::frag_ratio_pct,
                                       &FgdStat::unallocated_gpus};
  for (const auto& policy : policies) {
    std::vector<const FgdRun*> mine;
    for (const auto& r : runs)
      if (r.policy == policy) mine.push_back(&r);
    if (mine.empty()) continue;
    const std::size_t points = mine.front()->curve.size();
    const char* names[3] = {"median", "min", "max"};
    for (int s = 0; s < 3; ++s) {
      for (std::size_t x = 0; x < points; ++x) {
        FgdStat st;
        st.policy = policy;
        st.statistic = names[s];
        st.arrived_pct = mine.front()->curve[x].arrived_pct;
        for (int f = 0; f < 4; ++f) {
          std::vector<double> v;
          for (const auto* r : mine)
            if (x < r->curve.size() && !std::isnan(r->curve[x].*fields[f])) v.push_back(r->curve[x].*fields[f]);
          double value = std::numeric_limits<double>::quiet_NaN();
          if (!v.empty())
            value = s == 0   ? median(v)
                    : s == 1 ? *std::min_element(v.begin(), v.end())
                             : *std::max_element(v.begin(), v.end());
          st.*targets[f] = value;
        }
        out.push_back(std::move(st));
      }
    }
  }
  return out;
}

void print_fgd_headline(std::ostream& out, const std::vector<FgdStat>& stats, const std::vector<FgdRun>& runs,
                        const std::vector<std::string>& policies, int arrived_pct) {
  auto find = [&](const std::string& policy, const char* statistic) -> const FgdStat* {
    for (const auto& s : stats)
      if (s.policy == policy && s.statistic == statistic && s.arrived_pct == arrived_pct) return &s;
    return nullptr;
  };
  char line[256];
  std::snprintf(line, sizeof line, "  %-15s %-26s %-24s %-22s %s\n", "policy", "unallocated GPUs", "GPU allocation %",
                "frag ratio %", "failed pods (all arrivals)");
  out << "at " << arrived_pct << "% arrived workload, median [min, max] over seeds:\n" << line;
  for (const auto& policy : policies) {
    const FgdStat *med = find(policy, "median"), *lo = find(policy, "min"), *hi = find(policy, "max");
    if (med == nullptr || lo == nullptr || hi == nullptr) continue;
    std::vector<double> failed;
    for (const auto& r : runs)
      if (r.policy == policy) failed.push_back(static_cast<double>(r.failed));
    auto range = [](double m, double a, double b, int d) {
      return num(m, d) + " [" + num(a, d) + ", " + num(b, d) + "]";
    };
    std::snprintf(line, sizeof line, "  %-15s %-26s %-24s %-22s %s\n", policy.c_str(),
                  range(med->unallocated_gpus, lo->unallocated_gpus, hi->unallocated_gpus, 1).c_str(),
                  range(med->alloc_pct, lo->alloc_pct, hi->alloc_pct, 2).c_str(),
                  range(med->frag_ratio_pct, lo->frag_ratio_pct, hi->frag_ratio_pct, 1).c_str(),
                  num(failed.empty() ? 0 : median(failed), 1).c_str());
    out << line;
  }
}

std::string fgd_plot_command(const std::string& dir) {
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  return python + " " + shell_quote(std::string(FLEETSIM_SOURCE_DIR) + "/scripts/plot_fgd.py") + " " + shell_quote(dir);
}

std::string write_fgd_results(const std::string& dir, const FgdInput& input, const std::vector<FgdRun>& runs,
                              const std::vector<FgdStat>& stats, bool plot) {
  const fs::path final_dir(dir);
  const fs::path tmp = final_dir.string() + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  write_runs(tmp / "fgd.csv", runs);
  write_stats(tmp / "fgd-summary.csv", stats);
  write_run_totals(tmp / "fgd-runs.csv", runs);
  write_typical(tmp / "typical-pods.csv", input);
  std::string problem;
  if (plot) {
    const std::string cmd = fgd_plot_command(tmp.string()) + " >" + shell_quote((tmp / "plot.log").string()) + " 2>&1";
    const int rc = std::system(cmd.c_str());
    if (rc == 0 && fs::exists(tmp / "fgd.png")) {
      fs::remove(tmp / "plot.log");
    } else {
      std::ifstream log(tmp / "plot.log");
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      if (text.size() > 600) text = text.substr(text.size() - 600);
      problem = "fgd.png not drawn (" + fgd_plot_command(dir) + " failed): " + text;
    }
  }
  fs::remove_all(final_dir);
  fs::rename(tmp, final_dir);
  return problem;
}

}  // namespace fleetsim::analysis
