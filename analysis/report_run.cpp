// The report page of one run directory: headline numbers from summary.json and
// charts from run.h5's time series and job table.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/report.hpp"
#include "analysis/svg_chart.hpp"
#include "analysis/terminal_summary.hpp"

namespace fleetsim::analysis {

namespace {

using nlohmann::json;
using namespace report_html_parts;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// summary.json value at a dotted path; NaN when absent or not a number.
double num(const json& j, std::initializer_list<const char*> path) {
  const json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return kNaN;
    p = &(*p)[k];
  }
  return p->is_number() ? p->get<double>() : kNaN;
}

std::string text(const json& j, const char* key) {
  if (!j.contains(key)) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}
std::string money(double v) { return std::isfinite(v) ? std::string(1, '$').append(fixed(v, 2)) : "n/a"; }
std::string pct(double f) { return std::isfinite(f) ? fixed(100 * f, 1) + "%" : "n/a"; }
std::string count(double v) { return fixed(v, 0); }
std::string duration(double s) {
  if (!std::isfinite(s)) return "n/a";
  return s < 60 ? human_duration(s) : human_duration(s) + " (" + fixed(s, 0) + " s)";
}

// A step series in hours, held until the end of the run.
svg::Series hours(const StepSeries& s, const std::string& name, double end_s) {
  svg::Series out{name, {}, {}, true};
  for (std::size_t i = 0; i < s.t_s.size(); ++i) {
    out.x.push_back(s.t_s[i] / 3600);
    out.y.push_back(s.value[i]);
  }
  if (!out.x.empty() && end_s / 3600 > out.x.back()) {
    out.x.push_back(end_s / 3600);
    out.y.push_back(out.y.back());
  }
  return out;
}

svg::Series cdf(std::vector<double> v, const std::string& name) {
  std::sort(v.begin(), v.end());
  svg::Series s{name, {0}, {0}, true};
  for (std::size_t i = 0; i < v.size(); ++i) {
    s.x.push_back(v[i] / 3600);
    s.y.push_back(static_cast<double>(i + 1) / static_cast<double>(v.size()));
  }
  return s;
}

std::string headline_table(const json& s) {
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& k, const std::string& v) { rows.push_back({k, svg::escape(v)}); };
  row("scenario", text(s, "scenario"));
  row("seed", text(s, "seed"));
  row("fleetsim", text(s, "fleetsim_version") + " (commit " + text(s, "git_commit") + ")");
  const bool cut = s.value("stopped_at_horizon", false);
  row("simulated", duration(num(s, {"simulated_s"})) + (cut ? ", stopped at the horizon" : ", all work done"));
  row("nodes that ran", count(num(s, {"capacity", "nodes"})));
  if (std::isfinite(num(s, {"capacity", "node_hours"})))
    row("node-hours", fixed(num(s, {"capacity", "node_hours"}), 1));
  row("GPUs at the end", count(num(s, {"capacity", "gpus"})));
  const double total = num(s, {"cost_usd", "total"}), idle = num(s, {"cost_usd", "idle"});
  row("cost, total", money(total));
  row("cost, allocated to jobs", money(num(s, {"cost_usd", "allocated_to_jobs"})));
  row("cost, idle", money(idle) + " (" + pct(total > 0 ? idle / total : kNaN) + ")");
  row("cost per allocated GPU-hour", money(num(s, {"cost_usd", "per_allocated_gpu_hour"})));
  const double prov = num(s, {"capacity", "gpu_seconds_provisioned"}) / 3600;
  const double alloc = num(s, {"capacity", "gpu_seconds_allocated"}) / 3600;
  row("GPU allocation", pct(num(s, {"capacity", "gpu_allocation"})) + " (" + fixed(alloc, 0) + " of " +
                            fixed(prov, 0) + " GPU-h)");
  if (num(s, {"utilization", "known_share"}) > 0)
    row("GPU utilization", pct(num(s, {"utilization", "gpu_utilization"})) + " of provisioned, " +
                               pct(num(s, {"utilization", "allocated_gpu_utilization"})) + " of allocated");
  for (const auto& [k, label] : {std::pair{"total", "jobs total"}, {"arrived", "jobs arrived"},
                                 {"succeeded", "jobs succeeded"}, {"failed", "jobs failed"},
                                 {"running", "jobs running at the end"}, {"queued", "jobs queued at the end"},
                                 {"not_arrived", "jobs submitted after the horizon"}, {"preemptions", "preemptions"},
                                 {"evictions", "evictions (node removed or reclaimed)"}})
    if (std::isfinite(num(s, {"jobs", k}))) row(label, count(num(s, {"jobs", k})));
  for (const auto& [key, label] : {std::pair{"queue_wait_s", "queue wait"}, {"completion_time_s", "completion time"}})
    for (const char* q : {"p50", "p90", "p99", "mean"})
      row(std::string(label) + ' ' + q, duration(num(s, {key, q})));
  return table({"metric", "value"}, rows);
}

std::string breakdown_table(const json& s) {
  std::vector<std::vector<std::string>> rows;
  const double total = num(s, {"cost_usd", "total"});
  for (const auto& [key, label] : {std::pair{"by_pool", "pool"}, {"by_capacity_type", "capacity type"},
                                   {"by_team", "team (jobs' cost)"}}) {
    if (!s.contains("cost_usd") || !s["cost_usd"].contains(key) || !s["cost_usd"][key].is_object()) continue;
    for (const auto& [name, v] : s["cost_usd"][key].items())
      if (v.is_number())
        rows.push_back({label, svg::escape(name), money(v.get<double>()),
                        pct(total > 0 ? v.get<double>() / total : kNaN)});
  }
  return rows.empty() ? "" : "<h2>Cost by pool and team</h2>\n" + table({"by", "name", "cost", "share of bill"}, rows);
}

// Cumulative cost: GPUs provisioned over time at a price per GPU-hour (every
// node's, when they all have the same; else the run's mean).
std::string cost_figure(const RunInputs& r, double end_s) {
  const StepSeries* gpus = r.find("gpus_provisioned");
  const double total = num(r.summary, {"cost_usd", "total"});
  const double gpu_h = num(r.summary, {"capacity", "gpu_seconds_provisioned"}) / 3600;
  if (!gpus || gpus->t_s.empty() || !(gpu_h > 0) || !std::isfinite(total)) return "";
  double price = r.node_gpus.empty() || r.node_gpus[0] <= 0 ? kNaN : r.node_usd_per_hour[0] / r.node_gpus[0];
  for (std::size_t i = 0; i < r.node_gpus.size(); ++i)
    if (!(r.node_gpus[i] > 0) || std::abs(r.node_usd_per_hour[i] / r.node_gpus[i] - price) > 1e-9 * price)
      price = kNaN;
  const bool uniform = std::isfinite(price);
  if (!uniform) price = total / gpu_h;
  svg::Series c{"cost", {}, {}, false};
  double acc = 0;
  for (std::size_t i = 0; i < gpus->t_s.size(); ++i) {
    const double t0 = gpus->t_s[i], t1 = i + 1 < gpus->t_s.size() ? gpus->t_s[i + 1] : std::max(end_s, t0);
    if (i == 0) c.x.push_back(t0 / 3600), c.y.push_back(0);
    acc += gpus->value[i] * price * (t1 - t0) / 3600;
    c.x.push_back(t1 / 3600);
    c.y.push_back(acc);
  }
  const std::string svg = svg::line_chart({"Cumulative cost", "hours", "USD"}, {c});
  const std::string ends = money(acc) == money(total)
                               ? "it ends at the bill in summary.json, " + money(total) + "."
                               : "it ends at " + money(acc) + "; the bill in summary.json is " + money(total) +
                                     " (billing minimums and price changes make the difference).";
  return figure(svg, "GPUs provisioned over time at " + money(price) + " per GPU-hour (" +
                         (uniform ? "every node's price" : "the run's mean: total cost / provisioned GPU-hours") +
                         "); " + ends);
}

std::string histogram_figure(const std::vector<double>& v_s) {
  if (v_s.empty()) return "";
  const double hi = *std::max_element(v_s.begin(), v_s.end()) / 3600;
  const std::size_t bins = 20;
  const double width = hi > 0 ? hi / bins : 1;
  std::vector<double> edges, counts(bins, 0);
  for (std::size_t i = 0; i <= bins; ++i) edges.push_back(static_cast<double>(i) * width);
  for (double v : v_s) counts[std::min(bins - 1, static_cast<std::size_t>(v / 3600 / width))] += 1;
  return figure(svg::histogram({"Completion time", "hours (submit to finish)", "jobs"}, edges, counts),
                std::to_string(v_s.size()) + " jobs that succeeded, in " + std::to_string(bins) +
                    " bins of " + fixed(width * 60, 1) + " minutes.");
}

}  // namespace

std::string run_report_html(const RunInputs& r) {
  const json& s = r.summary;
  const double end_s = std::isfinite(num(s, {"simulated_s"})) ? num(s, {"simulated_s"}) : 0;
  const std::string name = svg::escape(text(s, "scenario"));
  std::string body = "<h1>fleetsim run: " + name + " (seed " + svg::escape(text(s, "seed")) + ")</h1>\n";
  body += "<p class=\"note\">From " + svg::escape(r.dir) +
          "/ (summary.json, run.h5). Times in the charts are hours since the scenario start; a value holds until "
          "the next change.</p>\n";
  body += "<h2>Headline</h2>\n" + headline_table(s) + breakdown_table(s);
  body += "<h2>Capacity over time</h2>\n<div class=\"charts\">\n";
  if (const auto* n = r.find("nodes"))
    body += figure(svg::line_chart({"Nodes", "hours", "nodes"}, {hours(*n, "nodes", end_s)}),
                   "Nodes in the cluster (booting, ready or draining).");
  std::vector<svg::Series> gpus;
  if (const auto* a = r.find("gpus_allocated")) gpus.push_back(hours(*a, "GPUs allocated", end_s));
  if (const auto* p = r.find("gpus_provisioned")) gpus.push_back(hours(*p, "GPUs provisioned", end_s));
  if (!gpus.empty())
    body += figure(svg::line_chart({"GPUs", "hours", "GPUs"}, gpus),
                   "Whole GPUs held by pods against GPUs on the cluster's nodes.");
  std::vector<svg::Series> jobs;
  if (const auto* q = r.find("jobs_queued")) jobs.push_back(hours(*q, "jobs queued", end_s));
  if (const auto* q = r.find("jobs_running")) jobs.push_back(hours(*q, "jobs running", end_s));
  if (!jobs.empty()) body += figure(svg::line_chart({"Jobs", "hours", "jobs"}, jobs), "Jobs queued and running.");
  body += cost_figure(r, end_s);
  body += "</div>\n<h2>Waits and completion times</h2>\n<div class=\"charts\">\n";
  if (!r.wait_s.empty() || !r.jct_s.empty()) {
    std::vector<svg::Series> c;
    if (!r.wait_s.empty()) c.push_back(cdf(r.wait_s, "queue wait"));
    if (!r.jct_s.empty()) c.push_back(cdf(r.jct_s, "completion time"));
    body += figure(svg::line_chart({"Distribution of waits and completion times", "hours", "fraction of jobs"}, c),
                   "Cumulative distribution: the share of jobs that waited (first start - submit, " +
                       std::to_string(r.wait_s.size()) + " jobs that started) or completed (finish - submit, " +
                       std::to_string(r.jct_s.size()) + " jobs that succeeded) within x hours.");
  } else {
    body += "<p class=\"note\">No job started in this run.</p>\n";
  }
  body += histogram_figure(r.jct_s) + "</div>\n";
  return page("fleetsim run: " + name, body);
}

}  // namespace fleetsim::analysis
