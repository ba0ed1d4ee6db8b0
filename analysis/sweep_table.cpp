#include "analysis/sweep_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "analysis/h5_writer.hpp"
#include "analysis/response_surface.hpp"
#include "analysis/stats.hpp"
#include "util/csv.hpp"

namespace fleetsim::analysis {

namespace fs = std::filesystem;

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Metric names in order of first appearance over the runs (per-team rows exist
// only where a seed's workload has the team), and each run's values by column.
struct MetricTable {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // values[column][run], NaN when the run lacks it
};

MetricTable metric_table(const std::vector<RunRecord>& runs) {
  MetricTable t;
  std::map<std::string, std::size_t> column;
  for (const auto& r : runs)
    for (const auto& [name, v] : r.metrics)
      if (column.emplace(name, t.names.size()).second) t.names.push_back(name);
  t.values.assign(t.names.size(), std::vector<double>(runs.size(), kMissing));
  for (std::size_t k = 0; k < runs.size(); ++k)
    for (const auto& [name, v] : runs[k].metrics) t.values[column[name]][k] = v;
  return t;
}

std::string cell(double v) { return std::isnan(v) ? "" : number_text(v); }

std::string header_comment(const SweepTableInfo& info) {
  return "# fleetsim sweep " + info.name + ": fleetsim " + info.identity.version + " (commit " + info.identity.commit +
         "), spec_hash " + info.identity.spec_hash + "\n";
}

std::string sweep_csv(const SweepDesign& d, const std::vector<RunRecord>& runs, const MetricTable& t,
                      const SweepTableInfo& info) {
  std::ostringstream out;
  out << header_comment(info) << "run,point,seed";
  for (const auto& p : d.paths) out << ',' << csv_field(p);
  for (const auto& m : t.names) out << ',' << csv_field(m);
  out << '\n';
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out << runs[i].run << ',' << runs[i].point << ',' << runs[i].seed;
    for (const auto& v : d.points[runs[i].point]) out << ',' << csv_field(v);
    for (const auto& col : t.values) out << ',' << cell(col[i]);
    out << '\n';
  }
  return out.str();
}

struct SummaryRow {
  std::size_t point;
  std::string metric;
  MeanCI ci;
};

// Per point and metric, over the seeds it ran: the values, or with `baseline`
// their differences from the baseline point's value at the same seed (paired;
// seeds that only one of the two ran are left out).
std::vector<SummaryRow> summary_rows(const SweepDesign& d, const std::vector<RunRecord>& runs, const MetricTable& t,
                                     std::optional<std::size_t> baseline = std::nullopt) {
  const std::size_t seeds = d.seeds.size();
  std::vector<std::optional<std::size_t>> at(d.runs());  // run -> its row in `runs`
  for (std::size_t i = 0; i < runs.size(); ++i) at[runs[i].run] = i;
  auto value = [&](std::size_t c, std::size_t point, std::size_t s) {
    const auto i = at[point * seeds + s];
    return i ? t.values[c][*i] : kMissing;
  };
  std::vector<SummaryRow> rows;
  for (std::size_t p = 0; p < d.points.size(); ++p)
    for (std::size_t c = 0; c < t.names.size(); ++c) {
      std::vector<double> x;
      for (std::size_t s = 0; s < seeds; ++s) {
        const double v = value(c, p, s), base = baseline ? value(c, *baseline, s) : 0;
        if (!std::isnan(v) && !std::isnan(base)) x.push_back(v - base);
      }
      if (!x.empty()) rows.push_back({p, t.names[c], mean_ci95(x)});
    }
  return rows;
}

std::string summary_csv(const SweepDesign& d, const std::vector<SummaryRow>& rows, const SweepTableInfo& info,
                        const std::string& mean_name) {
  std::ostringstream out;
  out << header_comment(info) << "point";
  for (const auto& p : d.paths) out << ',' << csv_field(p);
  out << ",metric,seeds," << mean_name << ",ci95_half_width\n";
  for (const auto& r : rows) {
    out << r.point;
    for (const auto& v : d.points[r.point]) out << ',' << csv_field(v);
    out << ',' << csv_field(r.metric) << ',' << r.ci.n << ',' << cell(r.ci.mean) << ',' << cell(r.ci.half_width)
        << '\n';
  }
  return out.str();
}

// Each parameter's value in each run, for main effects and response surfaces.
std::vector<ParameterColumn> parameter_columns(const SweepDesign& d, const std::vector<RunRecord>& runs) {
  std::vector<ParameterColumn> cols;
  for (std::size_t i = 0; i < d.paths.size(); ++i) {
    ParameterColumn c{d.paths[i], {}};
    for (const auto& r : runs) c.values.push_back(d.points[r.point][i]);
    cols.push_back(std::move(c));
  }
  return cols;
}

// effects.csv: per metric, parameter and level, the mean of the metric over
// every run at that level, the runs it averages, and the parameter's effect
// range (max - min of its level means).
std::string effects_csv(const std::vector<ParameterColumn>& params, const MetricTable& t, const SweepTableInfo& info) {
  std::ostringstream out;
  out << header_comment(info) << "metric,parameter,level,mean,count,effect_range\n";
  for (std::size_t c = 0; c < t.names.size(); ++c)
    for (const auto& e : main_effects(params, t.values[c]))
      for (const auto& l : e.levels)
        out << csv_field(t.names[c]) << ',' << csv_field(e.parameter) << ',' << csv_field(l.level) << ','
            << cell(l.mean) << ',' << l.count << ',' << cell(e.range) << '\n';
  return out.str();
}

// surface.csv: per metric, the linear and the quadratic least-squares fit on
// the numeric parameters: one row per term (its coefficient), then r2, adj_r2,
// residual_se and runs; or one `skipped` row with the reason in `note`. Each
// model's block ends with an `excluded` row per parameter that is not a
// regressor, the reason in `note`.
std::string surface_csv(const std::vector<ParameterColumn>& params, const MetricTable& t, const SweepTableInfo& info) {
  const Regressors r = numeric_regressors(params);
  std::ostringstream out;
  out << header_comment(info) << "metric,model,term,coefficient,note\n";
  for (std::size_t c = 0; c < t.names.size(); ++c)
    for (const auto& f : {fit_linear(r, t.values[c]), fit_quadratic(r, t.values[c])}) {
      const std::string row = csv_field(t.names[c]) + ',' + f.model + ',';
      if (!f.skipped.empty()) {
        out << row << "skipped,," << csv_field(f.skipped) << '\n';
      } else {
        for (const auto& [term, b] : f.coefficients) out << row << csv_field(term) << ',' << cell(b) << ",\n";
        out << row << "r2," << cell(f.r2) << ",\n" << row << "adj_r2," << cell(f.adj_r2) << ",\n";
        out << row << "residual_se," << cell(f.residual_se) << ",\n" << row << "runs," << f.runs << ",\n";
      }
      for (const auto& [path, why] : r.excluded) out << row << "excluded,," << csv_field(path + ": " + why) << '\n';
    }
  return out.str();
}

// HDF5 names may not hold '/'.
std::string dataset_name(std::string s) {
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

bool all_numbers(const std::vector<std::string>& values) {
  for (const auto& v : values) {
    double x = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return false;
  }
  return true;
}

// A parameter column: numbers when every value is one, text otherwise.
void parameter_column(H5File& f, hid_t g, const std::string& name, const std::vector<std::string>& values) {
  if (!all_numbers(values)) return f.column(g, dataset_name(name), values);
  std::vector<double> x;
  for (const auto& v : values) x.push_back(std::strtod(v.c_str(), nullptr));
  f.column(g, dataset_name(name), x);
}

// A summary table (summary.csv, paired.csv) as a group of columns.
void rows_group(H5File& f, const std::string& name, const SweepDesign& d, const std::vector<SummaryRow>& rows,
                const std::string& mean_name) {
  hid_t s = f.group(name);
  std::vector<std::int64_t> sp, sn;
  std::vector<std::string> metric;
  std::vector<double> mean, hw;
  for (const auto& r : rows) {
    sp.push_back(static_cast<std::int64_t>(r.point));
    sn.push_back(static_cast<std::int64_t>(r.ci.n));
    metric.push_back(r.metric);
    mean.push_back(r.ci.mean);
    hw.push_back(r.ci.half_width);
  }
  f.column(s, "point", sp);
  for (std::size_t i = 0; i < d.paths.size(); ++i) {
    std::vector<std::string> v;
    for (const auto& r : rows) v.push_back(d.points[r.point][i]);
    parameter_column(f, s, d.paths[i], v);
  }
  f.column(s, "metric", metric);
  f.column(s, "seeds", sn);
  f.column(s, mean_name, mean);
  f.column(s, "ci95_half_width", hw);
}

void write_h5(const std::string& path, const SweepDesign& d, const std::vector<RunRecord>& runs, const MetricTable& t,
              const std::vector<SummaryRow>& rows, const std::vector<SummaryRow>& paired, const SweepTableInfo& info) {
  H5File f(path);
  f.attribute(f.root(), "sweep_name", info.name);
  f.attribute(f.root(), "fleetsim_version", info.identity.version);
  f.attribute(f.root(), "git_commit", info.identity.commit);
  f.attribute(f.root(), "spec_hash", info.identity.spec_hash);
  f.attribute(f.root(), "spec", info.spec_text);
  f.attribute(f.root(), "scenario", info.scenario_text);
  hid_t g = f.group("/sweep");
  std::vector<std::int64_t> run(runs.size()), point(runs.size()), seed(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    run[i] = static_cast<std::int64_t>(runs[i].run);
    point[i] = static_cast<std::int64_t>(runs[i].point);
    seed[i] = static_cast<std::int64_t>(runs[i].seed);
  }
  f.column(g, "run", run);
  f.column(g, "point", point);
  f.column(g, "seed", seed);
  for (std::size_t i = 0; i < d.paths.size(); ++i) {
    std::vector<std::string> v;
    for (const auto& r : runs) v.push_back(d.points[r.point][i]);
    parameter_column(f, g, d.paths[i], v);
  }
  for (std::size_t c = 0; c < t.names.size(); ++c) f.column(g, dataset_name(t.names[c]), t.values[c]);
  rows_group(f, "/summary", d, rows, "mean");
  if (d.baseline) rows_group(f, "/paired", d, paired, "mean_difference");
}

}  // namespace

void write_sweep_outputs(const std::string& dir, const SweepDesign& design, const std::vector<RunRecord>& runs,
                         const SweepTableInfo& info) {
  const MetricTable t = metric_table(runs);
  const auto rows = summary_rows(design, runs, t);
  const auto paired = design.baseline ? summary_rows(design, runs, t, design.baseline) : std::vector<SummaryRow>{};
  const fs::path root(dir);
  const std::string h5 = (root / "sweep.h5").string(), tmp = h5 + ".partial." + std::to_string(::getpid());
  write_h5(tmp, design, runs, t, rows, paired, info);
  fs::rename(tmp, h5);
  write_atomically((root / "summary.csv").string(), summary_csv(design, rows, info, "mean"));
  if (design.baseline)
    write_atomically((root / "paired.csv").string(), summary_csv(design, paired, info, "mean_difference"));
  const auto params = parameter_columns(design, runs);
  write_atomically((root / "effects.csv").string(), effects_csv(params, t, info));
  write_atomically((root / "surface.csv").string(), surface_csv(params, t, info));
  write_atomically((root / "sweep.csv").string(), sweep_csv(design, runs, t, info));
}

}  // namespace fleetsim::analysis
