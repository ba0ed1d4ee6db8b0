#include "util/csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "util/input_error.hpp"
#include "util/suggest.hpp"

namespace fleetsim {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

CsvReader::CsvReader(const std::string& path) : path_(path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open file (does it exist?)");
  std::string l;
  while (std::getline(in, l)) lines_.push_back(l);
  if (lines_.empty() || lines_[0].empty()) throw InputError(path + ":1: expected a header row");
  header_ = split_csv_line(lines_[0]);
  for (std::size_t i = 0; i < header_.size(); ++i) index_[header_[i]] = i;
  pos_ = 1;
}

void CsvReader::require(const std::vector<std::string>& columns) const {
  for (const auto& c : columns)
    if (!has(c))
      throw InputError(path_ + ":1: missing column '" + c + "'" + did_you_mean(c, header_) +
                       "; header has: " + join(header_, ","));
}

bool CsvReader::next() {
  while (pos_ < lines_.size()) {
    const std::string& l = lines_[pos_++];
    line_ = static_cast<int>(pos_);
    if (l.find_first_not_of(" \t\r") == std::string::npos) continue;
    row_ = split_csv_line(l);
    if (row_.size() != header_.size())
      throw InputError(path_ + ":" + std::to_string(line_) + ": expected " +
                       std::to_string(header_.size()) + " fields as in the header, found " +
                       std::to_string(row_.size()));
    return true;
  }
  return false;
}

void CsvReader::fail(const std::string& column, const std::string& expected) const {
  auto it = index_.find(column);
  std::string got = it == index_.end() ? "" : row_[it->second];
  throw InputError(where(path_, line_, column) + ": expected " + expected + ", got '" + got + "'");
}

const std::string& CsvReader::str(const std::string& column) const {
  auto it = index_.find(column);
  if (it == index_.end()) require({column});
  return row_[it->second];
}

std::optional<std::string> CsvReader::opt_str(const std::string& column) const {
  auto it = index_.find(column);
  if (it == index_.end() || row_[it->second].empty()) return std::nullopt;
  return row_[it->second];
}

std::int64_t CsvReader::integer(const std::string& column) const {
  const std::string& s = str(column);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    // Accept "12.0" style integers written by spreadsheets.
    double d = 0;
    auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec2 != std::errc() || p2 != s.data() + s.size() || d != std::floor(d) || std::abs(d) > 9e18)
      fail(column, "an integer");
    v = static_cast<std::int64_t>(d);
  }
  return v;
}

std::int64_t CsvReader::non_negative_integer(const std::string& column) const {
  std::int64_t v = integer(column);
  if (v < 0) fail(column, "a non-negative integer");
  return v;
}

double CsvReader::number(const std::string& column) const {
  const std::string& s = str(column);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) fail(column, "a number");
  return v;
}

double CsvReader::non_negative_number(const std::string& column) const {
  double v = number(column);
  if (v < 0) fail(column, "a non-negative number");
  return v;
}

sim::SimTime CsvReader::duration(const std::string& column) const {
  auto d = sim::parse_duration(str(column));
  if (!d) fail(column, "a duration such as 90s, 10m, 4h or a number of seconds");
  return *d;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace fleetsim
