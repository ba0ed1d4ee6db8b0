// The report page of a sweep directory: its points, the summary (mean and 95%
// interval over seeds per point and metric), the paired differences from the
// baseline, and one chart per metric of the means with their intervals.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "analysis/report.hpp"
#include "analysis/svg_chart.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {

namespace {

using namespace report_html_parts;

constexpr std::size_t kPointsPerTable = 8;

double parse_number(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& s = t.rows[row][col];
  if (s.empty() || s == "nan" || s == "NaN") return std::nan("");
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    throw InputError(t.path + ":" + std::to_string(row + 1) + ": " + t.header[col] + ": expected a number, got '" +
                     s + "'");
  return v;
}

struct Cell {
  double mean = std::nan(""), half_width = 0;
  long seeds = 0;
};

// summary.csv or paired.csv as point x metric cells, with the points' parameter
// values (the columns between `point` and `metric`).
struct Grid {
  std::vector<std::string> parameters, metrics, points;  // points: the `point` column's text
  std::map<std::string, std::vector<std::string>> values;  // point -> parameter values
  std::map<std::pair<std::string, std::string>, Cell> cells;  // (point, metric)
};

Grid grid(const CsvTable& t, const char* mean_column) {
  Grid g;
  const std::size_t point = t.column("point"), metric = t.column("metric"), seeds = t.column("seeds");
  const std::size_t mean = t.column(mean_column), hw = t.column("ci95_half_width");
  for (std::size_t c = point + 1; c < metric; ++c) g.parameters.push_back(t.header[c]);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    if (!g.values.count(row[point])) {
      g.points.push_back(row[point]);
      g.values[row[point]] = {row.begin() + static_cast<long>(point) + 1, row.begin() + static_cast<long>(metric)};
    }
    if (std::find(g.metrics.begin(), g.metrics.end(), row[metric]) == g.metrics.end())
      g.metrics.push_back(row[metric]);
    g.cells[{row[point], row[metric]}] =
        Cell{parse_number(t, r, mean), parse_number(t, r, hw), static_cast<long>(parse_number(t, r, seeds))};
  }
  return g;
}

std::string interval_text(const Cell& c) {
  if (!std::isfinite(c.mean)) return "";
  return svg::short_number(c.mean) + " ± " + svg::short_number(c.half_width);
}

// A difference whose interval excludes zero (seeds >= 2).
bool significant(const Cell& c) {
  return c.seeds >= 2 && std::isfinite(c.mean) && c.mean != 0 && std::abs(c.mean) > c.half_width;
}

// Metrics as rows, points as columns, in blocks of kPointsPerTable points.
std::string pivot(const Grid& g, bool mark_significant) {
  std::string out;
  for (std::size_t b = 0; b < g.points.size(); b += kPointsPerTable) {
    const std::size_t e = std::min(g.points.size(), b + kPointsPerTable);
    std::vector<std::string> header{"metric"};
    for (std::size_t p = b; p < e; ++p) header.push_back("point " + svg::escape(g.points[p]));
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : g.metrics) {
      std::vector<std::string> row{svg::escape(m)};
      for (std::size_t p = b; p < e; ++p) {
        auto it = g.cells.find({g.points[p], m});
        std::string cell = it == g.cells.end() ? "" : svg::escape(interval_text(it->second));
        if (mark_significant && it != g.cells.end() && significant(it->second))
          cell = "<span class=\"sig\">" + cell + "</span>";
        row.push_back(cell);
      }
      rows.push_back(row);
    }
    out += table(header, rows);
  }
  return out;
}

std::string point_description(const Grid& g, const std::string& point) {
  std::string s = "point " + point;
  const auto& v = g.values.at(point);
  for (std::size_t i = 0; i < g.parameters.size() && i < v.size(); ++i)
    s += (i == 0 ? ": " : ", ") + g.parameters[i] + "=" + v[i];
  return s;
}

std::string join_parameters(const Grid& g) {
  std::string s;
  for (const auto& p : g.parameters) s += (s.empty() ? "" : " / ") + p;
  return s;
}

std::string sweep_name(const SweepInputs& s) {
  const std::string& c = s.summary.comment;
  const std::string head = "fleetsim sweep ";
  if (c.rfind(head, 0) == 0) {
    const auto colon = c.find(':', head.size());
    if (colon != std::string::npos) return c.substr(head.size(), colon - head.size());
  }
  return std::filesystem::path(s.dir).lexically_normal().filename().string();
}

}  // namespace

std::string sweep_report_html(const SweepInputs& s) {
  const Grid g = grid(s.summary, "mean");
  const std::size_t run_point = s.runs.column("point");
  std::map<std::string, std::size_t> runs;
  for (const auto& r : s.runs.rows) ++runs[r[run_point]];

  const std::string name = svg::escape(sweep_name(s));
  std::string body = "<h1>fleetsim sweep: " + name + "</h1>\n";
  body += "<p class=\"note\">From " + svg::escape(s.dir) + "/ (sweep.csv, summary.csv" +
          (s.paired ? ", paired.csv" : "") + "): " + std::to_string(s.runs.rows.size()) + " runs at " +
          std::to_string(g.points.size()) + " points, " + std::to_string(g.metrics.size()) + " metrics.";
  if (!s.summary.comment.empty()) body += " " + svg::escape(s.summary.comment) + ".";
  body += "</p>\n";

  std::vector<std::string> header{"point"};
  for (const auto& p : g.parameters) header.push_back(svg::escape(p));
  header.push_back("runs");
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : g.points) {
    std::vector<std::string> row{svg::escape(p)};
    for (const auto& v : g.values.at(p)) row.push_back(svg::escape(v));
    row.push_back(std::to_string(runs.count(p) ? runs.at(p) : 0));
    rows.push_back(row);
  }
  body += "<h2>Points</h2>\n" + table(header, rows);

  body += "<h2>Summary: mean ± 95% interval over seeds</h2>\n<p class=\"note\">Student-t half-widths (0 with one "
          "seed), from summary.csv.</p>\n" +
          pivot(g, false);
  if (s.paired) {
    const Grid d = grid(*s.paired, "mean_difference");
    body += "<h2>Paired differences from the baseline</h2>\n<p class=\"note\">Mean over seeds of (point - "
            "baseline) at the same seed, ± its 95% interval, from paired.csv. Bold: the interval excludes 0 "
            "(significant at 5%).</p>\n" +
            pivot(d, true);
  }

  body += "<h2>Each metric by point</h2>\n<p class=\"note\">Mean (dot) and 95% interval (bar) per point; hover a "
          "point for its parameters.</p>\n<div class=\"charts\">\n";
  // Under each mark: the point's values ("best-fit/6") when they are short, else its number.
  std::map<std::string, std::string> labels;
  bool short_labels = g.points.size() <= 8 && !g.parameters.empty();
  for (const auto& p : g.points) {
    std::string l;
    for (const auto& v : g.values.at(p)) l += (l.empty() ? "" : "/") + v;
    short_labels = short_labels && l.size() <= 12;
    labels[p] = l;
  }
  if (!short_labels)
    for (auto& [p, l] : labels) l = p;
  std::vector<std::string> constant;
  for (const auto& m : g.metrics) {
    std::vector<svg::Interval> iv;
    bool varies = false;
    double first = std::nan("");
    for (const auto& p : g.points) {
      auto it = g.cells.find({p, m});
      const Cell c = it == g.cells.end() ? Cell{} : it->second;
      if (std::isfinite(c.mean)) {
        if (!std::isfinite(first)) first = c.mean;
        varies = varies || c.mean != first || c.half_width > 0;
      }
      iv.push_back({labels.at(p), point_description(g, p) + ": " + interval_text(c) + " (" + std::to_string(c.seeds) +
                           " seeds)",
                    c.mean, c.half_width});
    }
    if (!varies) {
      constant.push_back(m + " = " + svg::short_number(first));
      continue;
    }
    svg::Axes a{m, short_labels ? join_parameters(g) : "point", m, 480, 220, true};
    body += figure(svg::interval_chart(a, iv), svg::escape(m) + " by point.");
  }
  body += "</div>\n";
  if (!constant.empty()) {
    std::string list;
    for (const auto& c : constant) list += (list.empty() ? "" : ", ") + svg::escape(c);
    body += "<p class=\"note\">The same at every point, with no spread (not charted): " + list + ".</p>\n";
  }
  return page("fleetsim sweep: " + name, body);
}

}  // namespace fleetsim::analysis
