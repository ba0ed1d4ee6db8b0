#pragma once
// Typed reads from one YAML mapping with messages that name the file, line and
// dotted field path, and say what was expected. Unknown keys are rejected with
// the nearest valid key suggested. All YAML parsing lives in scenario/.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace fleetsim::scenario {

class Fields {
 public:
  // `path` is the dotted location of `node` ("cluster.pools[0]"); "" for the root.
  Fields(const YAML::Node& node, std::string file, std::string path, std::vector<std::string> allowed);

  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key) const;  // required
  std::string field(const std::string& key) const;  // "path.key"
  std::string child_path(const std::string& key) const { return field(key); }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

  std::string str(const std::string& key) const;
  std::string str(const std::string& key, const std::string& fallback) const;
  std::string one_of(const std::string& key, const std::vector<std::string>& options,
                     const std::string& fallback) const;
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const;
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max, std::int64_t fallback) const;
  double number(const std::string& key, double min, double max) const;
  double number(const std::string& key, double min, double max, double fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  sim::SimTime duration(const std::string& key) const;
  sim::SimTime duration(const std::string& key, sim::SimTime fallback) const;
  // A rate such as "30/h", "2/min", "0.5/s".
  double rate_per_second(const std::string& key) const;

  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;

 private:
  YAML::Node node_;
  std::string file_, path_;
};

// file:line: field: expected ..., got '...'
[[noreturn]] void fail_at(const YAML::Node& node, const std::string& file, const std::string& field,
                          const std::string& expected);
int line_of(const YAML::Node& node);
std::string scalar_text(const YAML::Node& node);

}  // namespace fleetsim::scenario
