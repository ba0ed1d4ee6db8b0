#include "analysis/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace fleetsim::analysis::svg {

namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
constexpr double kLeft = 64, kRight = 16, kBottom = 42;

std::string coord(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Range {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
};

// Tick marks at 1, 2 or 5 times a power of ten, about `target` of them, and the
// range widened to the outer ticks.
Range nice_range(double lo, double hi, int target = 5) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi <= lo) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  Range r;
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  r.lo = first * step;
  r.hi = last * step;
  for (double i = first; i <= last + 0.5; ++i) r.ticks.push_back(i * step);
  return r;
}

struct Frame {
  double width, height, top;
  Range x, y;
  double px(double v) const { return kLeft + (v - x.lo) / (x.hi - x.lo) * (width - kLeft - kRight); }
  double py(double v) const { return top + (y.hi - v) / (y.hi - y.lo) * (height - top - kBottom); }
};

std::string open_svg(const Axes& a) {
  std::string s = "<svg class=\"chart\" width=\"" + std::to_string(a.width) + "\" height=\"" +
                  std::to_string(a.height) + "\" viewBox=\"0 0 " + std::to_string(a.width) + ' ' +
                  std::to_string(a.height) + "\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<title>" + escape(a.title) + "</title>\n";
  s += "<text x=\"" + coord(kLeft) + "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + escape(a.title) +
       "</text>\n";
  return s;
}

// Grid lines, tick labels and axis labels. `x_ticks` false: the caller labels x.
std::string axes_body(const Axes& a, const Frame& f, bool x_ticks) {
  std::string s;
  const double x0 = kLeft, x1 = f.width - kRight, y0 = f.top, y1 = f.height - kBottom;
  for (double t : f.y.ticks) {
    const std::string y = coord(f.py(t));
    s += "<line x1=\"" + coord(x0) + "\" y1=\"" + y + "\" x2=\"" + coord(x1) + "\" y2=\"" + y +
         "\" stroke=\"#e4e4e4\"/>\n";
    s += "<text x=\"" + coord(x0 - 4) + "\" y=\"" + y + "\" text-anchor=\"end\" dominant-baseline=\"middle\">" +
         short_number(t) + "</text>\n";
  }
  if (x_ticks)
    for (double t : f.x.ticks) {
      const std::string x = coord(f.px(t));
      s += "<line x1=\"" + x + "\" y1=\"" + coord(y1) + "\" x2=\"" + x + "\" y2=\"" + coord(y1 + 4) +
           "\" stroke=\"#555\"/>\n";
      s += "<text x=\"" + x + "\" y=\"" + coord(y1 + 15) + "\" text-anchor=\"middle\">" + short_number(t) +
           "</text>\n";
    }
  s += "<rect x=\"" + coord(x0) + "\" y=\"" + coord(y0) + "\" width=\"" + coord(x1 - x0) + "\" height=\"" +
       coord(y1 - y0) + "\" fill=\"none\" stroke=\"#555\"/>\n";
  s += "<text x=\"" + coord((x0 + x1) / 2) + "\" y=\"" + coord(f.height - 6) + "\" text-anchor=\"middle\">" +
       escape(a.x_label) + "</text>\n";
  s += "<text transform=\"translate(12," + coord((y0 + y1) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       escape(a.y_label) + "</text>\n";
  return s;
}

void widen(double v, double& lo, double& hi) {
  if (!std::isfinite(v)) return;
  lo = std::min(lo, v);
  hi = std::max(hi, v);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string short_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::abs(v) < 1e-12) return "0";
  char b[32];
  // Whole numbers up to seven digits as they are ("35000", not "3.5e+04").
  std::snprintf(b, sizeof b, std::abs(v) >= 1e4 && std::abs(v) < 1e7 ? "%.0f" : "%.4g", v);
  return b;
}

std::string line_chart(const Axes& a, const std::vector<Series>& series) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = a.y_from_zero ? 0 : inf, yhi = a.y_from_zero ? 0 : -inf;
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        widen(s.x[i], xlo, xhi);
        widen(s.y[i], ylo, yhi);
      }
  const double top = series.size() > 1 ? 44 : 28;
  Frame f{static_cast<double>(a.width), static_cast<double>(a.height), top, nice_range(xlo, xhi),
          nice_range(ylo, yhi)};
  std::string out = open_svg(a) + axes_body(a, f, true);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* color = kColors[k % std::size(kColors)];
    std::string d;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      const double x = f.px(s.x[i]), y = f.py(s.y[i]);
      // Appended piece by piece: `"M" + std::string` trips GCC 12's -Wrestrict.
      if (d.empty())
        d.append(1, 'M').append(coord(x)).append(1, ' ').append(coord(y));
      else if (s.step)
        d.append(1, 'H').append(coord(x)).append(1, 'V').append(coord(y));
      else
        d.append(1, 'L').append(coord(x)).append(1, ' ').append(coord(y));
    }
    if (!d.empty())
      out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.6\"><title>" +
             escape(s.name) + "</title></path>\n";
    if (series.size() > 1) {
      const double lx = kLeft + static_cast<double>(k) * 150;
      out += "<rect x=\"" + coord(lx) + "\" y=\"25\" width=\"12\" height=\"4\" fill=\"" + color + "\"/>\n";
      out += "<text x=\"" + coord(lx + 16) + "\" y=\"31\">" + escape(s.name) + "</text>\n";
    }
  }
  return out + "</svg>\n";
}

std::string histogram(const Axes& a, const std::vector<double>& edges, const std::vector<double>& counts) {
  double ymax = 0;
  for (double c : counts) ymax = std::max(ymax, c);
  const double top = 28;
  Frame f{static_cast<double>(a.width), static_cast<double>(a.height), top,
          nice_range(edges.empty() ? 0 : edges.front(), edges.empty() ? 1 : edges.back()), nice_range(0, ymax)};
  std::string out = open_svg(a) + axes_body(a, f, true);
  for (std::size_t i = 0; i < counts.size() && i + 1 < edges.size(); ++i) {
    if (counts[i] <= 0) continue;
    const double x0 = f.px(edges[i]), x1 = f.px(edges[i + 1]), y = f.py(counts[i]);
    out += "<rect x=\"" + coord(x0) + "\" y=\"" + coord(y) + "\" width=\"" + coord(std::max(0.5, x1 - x0 - 1)) +
           "\" height=\"" + coord(f.py(0) - y) + "\" fill=\"" + kColors[0] + "\"><title>" +
           short_number(edges[i]) + " to " + short_number(edges[i + 1]) + ": " + short_number(counts[i]) +
           "</title></rect>\n";
  }
  return out + "</svg>\n";
}

std::string interval_chart(const Axes& a, const std::vector<Interval>& intervals) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double ylo = a.y_from_zero ? 0 : inf, yhi = a.y_from_zero ? 0 : -inf;
  for (const auto& iv : intervals) {
    widen(iv.mean - iv.half_width, ylo, yhi);
    widen(iv.mean + iv.half_width, ylo, yhi);
  }
  const double top = 28, n = static_cast<double>(std::max<std::size_t>(1, intervals.size()));
  Frame f{static_cast<double>(a.width), static_cast<double>(a.height), top, Range{-0.5, n - 0.5, {}},
          nice_range(ylo, yhi)};
  std::string out = open_svg(a) + axes_body(a, f, false);
  if (f.y.lo < 0 && f.y.hi > 0)
    out += "<line x1=\"" + coord(kLeft) + "\" y1=\"" + coord(f.py(0)) + "\" x2=\"" + coord(f.width - kRight) +
           "\" y2=\"" + coord(f.py(0)) + "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n";
  const std::size_t every = intervals.size() / 24 + 1;  // at most about 24 labels
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const auto& iv = intervals[i];
    const std::string x = coord(f.px(static_cast<double>(i)));
    if (i % every == 0)
      out += "<text x=\"" + x + "\" y=\"" + coord(f.height - kBottom + 15) + "\" text-anchor=\"middle\">" +
             escape(iv.label) + "</text>\n";
    if (!std::isfinite(iv.mean)) continue;
    out += "<g stroke=\"" + std::string(kColors[0]) + "\"><title>" + escape(iv.tooltip) + "</title>\n";
    if (std::isfinite(iv.half_width) && iv.half_width > 0) {
      const std::string lo = coord(f.py(iv.mean - iv.half_width)), hi = coord(f.py(iv.mean + iv.half_width));
      const double cx = f.px(static_cast<double>(i));
      out += "<line x1=\"" + x + "\" y1=\"" + lo + "\" x2=\"" + x + "\" y2=\"" + hi + "\"/>\n";
      for (const auto& y : {lo, hi})
        out += "<line x1=\"" + coord(cx - 4) + "\" y1=\"" + y + "\" x2=\"" + coord(cx + 4) + "\" y2=\"" + y +
               "\"/>\n";
    }
    out += "<circle cx=\"" + x + "\" cy=\"" + coord(f.py(iv.mean)) + "\" r=\"3.5\" fill=\"" + kColors[0] +
           "\"/>\n</g>\n";
  }
  return out + "</svg>\n";
}

std::string grouped_bars(const Axes& a, const std::vector<std::string>& groups, const std::vector<Bars>& series) {
  double ymax = 0;
  for (const auto& s : series)
    for (double v : s.values)
      if (std::isfinite(v)) ymax = std::max(ymax, v);
  const double top = series.size() > 1 ? 44 : 28, n = static_cast<double>(std::max<std::size_t>(1, groups.size()));
  Frame f{static_cast<double>(a.width), static_cast<double>(a.height), top, Range{-0.5, n - 0.5, {}},
          nice_range(0, ymax)};
  std::string out = open_svg(a) + axes_body(a, f, false);
  const double group_w = f.px(1) - f.px(0), bar_w = group_w * 0.8 / static_cast<double>(std::max<std::size_t>(1, series.size()));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double center = f.px(static_cast<double>(g));
    out += "<text x=\"" + coord(center) + "\" y=\"" + coord(f.height - kBottom + 15) + "\" text-anchor=\"middle\">" +
           escape(groups[g]) + "</text>\n";
    for (std::size_t k = 0; k < series.size(); ++k) {
      if (g >= series[k].values.size() || !std::isfinite(series[k].values[g])) continue;
      const double v = series[k].values[g];
      const double x = center - group_w * 0.4 + bar_w * static_cast<double>(k), y = f.py(std::max(0.0, v));
      out += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(bar_w - 1) + "\" height=\"" +
             coord(f.py(0) - y) + "\" fill=\"" + kColors[k % std::size(kColors)] + "\"><title>" +
             escape(series[k].name + ", " + groups[g]) + ": " + short_number(v) + "</title></rect>\n";
      out += "<text x=\"" + coord(x + (bar_w - 1) / 2) + "\" y=\"" + coord(y - 3) +
             "\" text-anchor=\"middle\" font-size=\"9\">" + short_number(v) + "</text>\n";
    }
  }
  for (std::size_t k = 0; series.size() > 1 && k < series.size(); ++k) {
    const double lx = kLeft + static_cast<double>(k) * 170;
    out += "<rect x=\"" + coord(lx) + "\" y=\"23\" width=\"12\" height=\"8\" fill=\"" +
           kColors[k % std::size(kColors)] + "\"/>\n";
    out += "<text x=\"" + coord(lx + 16) + "\" y=\"31\">" + escape(series[k].name) + "</text>\n";
  }
  return out + "</svg>\n";
}

std::string standalone(const std::string& svg_element) {
  const std::string open = "<svg ";
  if (svg_element.compare(0, open.size(), open) != 0) return svg_element;
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" " +
         svg_element.substr(open.size());
}

}  // namespace fleetsim::analysis::svg
