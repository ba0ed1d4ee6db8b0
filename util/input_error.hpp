#pragma once
// Bad input: the message names the file, line and field and says what was
// expected. The CLI prints it and exits with status 2.
#include <stdexcept>
#include <string>

namespace fleetsim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "file:line: field: message" (line omitted when 0).
std::string where(const std::string& file, int line, const std::string& field);

}  // namespace fleetsim
