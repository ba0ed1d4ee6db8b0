#include "util/input_error.hpp"

namespace fleetsim {

std::string where(const std::string& file, int line, const std::string& field) {
  std::string s;
  s.reserve(file.size() + field.size() + 16);
  s.append(file);
  if (line > 0) s.append(":").append(std::to_string(line));
  if (!field.empty()) s.append(": ").append(field);
  return s;
}

}  // namespace fleetsim
