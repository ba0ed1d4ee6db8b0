#pragma once
// A small CSV reader for the project's data files and traces: a header row,
// comma-separated fields, double quotes around fields that hold commas. Columns
// are looked up by name so files may order them freely; every error names the
// file, the line and the column.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/time.hpp"

namespace fleetsim {

class CsvReader {
 public:
  // Throws InputError when the file cannot be opened or has no header.
  explicit CsvReader(const std::string& path);
  const std::string& path() const { return path_; }
  bool has(const std::string& column) const { return index_.count(column) > 0; }
  // Throws naming the missing columns.
  void require(const std::vector<std::string>& columns) const;
  // Advances to the next data row; false at end of file. Blank lines are skipped.
  bool next();
  int line() const { return line_; }

  const std::string& str(const std::string& column) const;
  std::optional<std::string> opt_str(const std::string& column) const;
  std::int64_t integer(const std::string& column) const;  // rejects fractions
  std::int64_t non_negative_integer(const std::string& column) const;
  double number(const std::string& column) const;
  double non_negative_number(const std::string& column) const;
  // "90s", "2h" or a number of seconds.
  sim::SimTime duration(const std::string& column) const;
  [[noreturn]] void fail(const std::string& column, const std::string& expected) const;

 private:
  std::string path_;
  std::vector<std::string> lines_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> header_, row_;
};

std::vector<std::string> split_csv_line(const std::string& line);

// A field for writing: quoted (with doubled quotes) when it holds a comma, a
// quote or a newline.
std::string csv_field(const std::string& s);

}  // namespace fleetsim
