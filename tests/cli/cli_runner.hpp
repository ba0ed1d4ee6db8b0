#pragma once
// Runs the built fleetsim binary from tests, as a user would from a shell.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace fleetsim::testing_cli {

// A shell word: single-quoted, with embedded single quotes escaped.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct CliResult {
  int status = -1;     // exit status; -1 when it did not exit normally
  std::string output;  // what `redirect` sends to the pipe
};

// `args` are already quoted. By default stdout and stderr are captured;
// "2>&1 >/dev/null" captures stderr alone.
inline CliResult fleetsim(const std::string& args, const std::string& redirect = "2>&1") {
  const std::string cmd = quote(FLEETSIM_BINARY) + " " + args + " " + redirect;
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace fleetsim::testing_cli
