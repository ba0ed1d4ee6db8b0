#pragma once
// A small SVG chart writer for `fleetsim report`: line and step charts, bar
// histograms and mean ± interval charts, as self-contained <svg> elements that
// an HTML page inlines (no scripts, no external fonts or styles). Output depends
// only on the data: the same input gives the same bytes.
#include <string>
#include <vector>

namespace fleetsim::analysis::svg {

struct Axes {
  std::string title, x_label, y_label;
  int width = 640, height = 260;
  bool y_from_zero = true;  // include 0 in the y range
};

struct Series {
  std::string name;
  std::vector<double> x, y;
  bool step = false;  // a step function: y[i] holds from x[i] until x[i+1]
};

// Lines (or steps) through (x, y) for each series, with a legend when there are
// several. Points with a non-finite coordinate are left out.
std::string line_chart(const Axes& axes, const std::vector<Series>& series);

// Bars of a histogram: counts[i] over [edges[i], edges[i+1]); edges has one more
// element than counts.
std::string histogram(const Axes& axes, const std::vector<double>& edges, const std::vector<double>& counts);

struct Interval {
  std::string label;    // under the x axis
  std::string tooltip;  // shown on hover (an SVG <title>)
  double mean = 0, half_width = 0;
};

// One marker per label at its mean with an error bar of ± half_width; a dashed
// line at zero when the range spans it.
std::string interval_chart(const Axes& axes, const std::vector<Interval>& intervals);

struct Bars {
  std::string name;
  std::vector<double> values;  // one per group
};

// Bars grouped by category: in each group one bar per series (colours and a
// legend by series), labelled with its value; a bar's <title> names it.
std::string grouped_bars(const Axes& axes, const std::vector<std::string>& groups, const std::vector<Bars>& series);

// A chart as a file of its own (an .svg): the XML declaration and the SVG namespace.
std::string standalone(const std::string& svg_element);

// Escapes &, <, >, " and ' for HTML/XML text and attributes.
std::string escape(const std::string& text);
// A short, deterministic rendering of a tick or table value: "0", "1.5", "2500",
// "35000", "1.2e+07".
std::string short_number(double v);

}  // namespace fleetsim::analysis::svg
