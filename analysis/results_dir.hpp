#pragma once
// The results directory of a run: summary.json, run.h5, jobs.csv, nodes.csv and
// scenario.yaml. Everything is written into DIR.partial first and renamed to DIR
// when complete, so an interrupted run never leaves a directory that looks done.
#include <string>

#include "analysis/memory_recorder.hpp"
#include "analysis/summary.hpp"
#include "world/run_result.hpp"

namespace fleetsim::analysis {

void write_results(const std::string& dir, const world::RunResult& r, const Summary& s, const MemoryRecorder& rec);

// The JSON of summary.json (also used by compare and tests).
std::string summary_json(const Summary& s, const world::RunResult& r);

}  // namespace fleetsim::analysis
