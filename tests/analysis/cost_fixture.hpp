#pragma once
// Runs a small scenario given as YAML text, with an optional CSV trace written
// to a temporary file and referenced as TRACE in the YAML. Shared by the cost
// allocation, FOCUS export and advise tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "analysis/memory_recorder.hpp"
#include "scenario/scenario.hpp"
#include "world/world.hpp"

namespace fleetsim::testing_cost {

struct Ran {
  std::unique_ptr<scenario::Scenario> s;
  world::RunResult r;
};

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

inline Ran run_yaml(const std::string& yaml, const std::string& trace_csv = "") {
  static int counter = 0;
  const std::string trace = ::testing::TempDir() + "cost_trace_" + std::to_string(::getpid()) + "_" +
                            std::to_string(counter++) + ".csv";
  if (!trace_csv.empty()) std::ofstream(trace) << trace_csv;
  Ran out;
  out.s = std::make_unique<scenario::Scenario>(
      scenario::parse_scenario(replace_all(yaml, "TRACE", trace), "cost.yaml", ""));
  analysis::MemoryRecorder rec;
  world::World w(*out.s, out.s->seed, rec);
  out.r = w.run();
  if (!trace_csv.empty()) std::filesystem::remove(trace);
  return out;
}

inline double bill(const world::RunResult& r) {
  double b = 0;
  for (const auto& nb : r.bills) b += nb.cost_usd;
  return b;
}

}  // namespace fleetsim::testing_cost
