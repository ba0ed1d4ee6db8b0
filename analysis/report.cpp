#include "analysis/report.hpp"

#include <filesystem>

#include "analysis/svg_chart.hpp"
#include "analysis/sweep_store.hpp"
#include "util/input_error.hpp"

namespace fleetsim::analysis {

namespace report_html_parts {

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
         "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}\n"
         "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
         "table{border-collapse:collapse;margin:8px 0;font-size:0.9em}\n"
         "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
         "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
         "figure{margin:12px 0}figcaption{font-size:0.85em;color:#555;max-width:640px}\n"
         ".charts{display:flex;flex-wrap:wrap;gap:8px}.note{color:#555;font-size:0.9em}\n"
         ".sig{font-weight:bold}\n"
         "</style>\n</head>\n<body>\n" +
         body + "</body>\n</html>\n";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table>\n<tr>";
  for (const auto& h : header) s += "<th>" + h + "</th>";
  s += "</tr>\n";
  for (const auto& r : rows) {
    s += "<tr>";
    for (const auto& c : r) {
      // Cells that start with a digit, a sign or '$' are numbers: right-aligned.
      const bool number = !c.empty() && (std::isdigit(static_cast<unsigned char>(c[0])) || c[0] == '-' ||
                                         c[0] == '$' || c[0] == '+');
      s += number ? "<td class=\"n\">" + c + "</td>" : "<td>" + c + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + "<figcaption>" + caption + "</figcaption>\n</figure>\n";
}

}  // namespace report_html_parts

std::string report_html(const std::string& dir) {
  return detect_report_kind(dir) == ReportKind::run ? run_report_html(load_run_inputs(dir))
                                                    : sweep_report_html(load_sweep_inputs(dir));
}

std::string write_report(const std::string& dir, const std::string& out) {
  const std::string html = report_html(dir);
  const std::string path = out.empty() ? (std::filesystem::path(dir) / "report.html").string() : out;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent))
    throw InputError(path + ": cannot write: " + parent.string() + " is not a directory");
  write_atomically(path, html);
  return path;
}

}  // namespace fleetsim::analysis
