#include "analysis/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace fleetsim::analysis {

namespace {
// Looked up by name: per-team rows exist only for teams a seed's workload has.
std::vector<double> metric_samples(const VariantResult& v, const std::string& name) {
  std::vector<double> out;
  for (const auto& s : v.per_seed)
    for (const auto& [n, value] : headline_metrics(s))
      if (n == name) out.push_back(value);
  return out;
}
std::string cell(const MeanCI& c) {
  char b[96];
  const double a = std::abs(c.mean);
  const char* fmt = a >= 1000 ? "%.0f" : a >= 10 ? "%.1f" : "%.3f";
  char m[32], h[32];
  std::snprintf(m, sizeof m, fmt, c.mean);
  std::snprintf(h, sizeof h, fmt, c.half_width);
  if (c.n > 1) std::snprintf(b, sizeof b, "%s ± %s", m, h);
  else std::snprintf(b, sizeof b, "%s", m);
  return b;
}
// Display width of UTF-8 text (± is two bytes, one column).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

void print_comparison(std::ostream& out, const std::vector<VariantResult>& variants) {
  if (variants.empty() || variants[0].per_seed.empty()) return;
  std::vector<std::string> names;
  for (const auto& v : variants)
    for (const auto& s : v.per_seed)
      for (const auto& [n, value] : headline_metrics(s))
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"metric"};
  for (const auto& v : variants) header.push_back(v.label);
  rows.push_back(header);
  for (const auto& name : names) {
    std::vector<std::string> row{name};
    for (const auto& v : variants) row.push_back(cell(mean_ci95(metric_samples(v, name))));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], columns(r[c]));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t c = 0; c < rows[i].size(); ++c) {
      out << (c ? "  " : "") << rows[i][c];
      if (c + 1 < rows[i].size()) out << std::string(width[c] - columns(rows[i][c]), ' ');
    }
    out << "\n";
    if (i == 0) {
      std::size_t total = 0;
      for (auto w : width) total += w + 2;
      out << std::string(total - 2, '-') << "\n";
    }
  }
  out << "(mean ± 95% Student-t half-width over " << variants[0].per_seed.size()
      << " seed(s); every variant saw the same arrivals)\n";
}

void write_comparison_csv(const std::string& path, const std::vector<VariantResult>& variants) {
  std::ofstream out(path);
  out.precision(17);
  out << "variant,seed,metric,value\n";
  for (const auto& v : variants)
    for (const auto& s : v.per_seed)
      for (const auto& [name, value] : headline_metrics(s))
        out << '"' << v.label << "\"," << s.seed << ',' << name << ',' << value << '\n';
}

}  // namespace fleetsim::analysis
