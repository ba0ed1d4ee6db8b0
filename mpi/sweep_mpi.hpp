#pragma once
// Sweeps across MPI ranks (`mpirun -n N fleetsim sweep SPEC.yaml`). Rank 0
// hands runs out one at a time to ranks 1..N-1 and gives the next run to
// whichever rank finishes first, so ranks stay busy however much runs differ
// in length. Each rank writes its runs' records into the sweep directory (a
// filesystem all ranks share), and rank 0 builds the aggregate from them in
// run order: the same bytes as a run on threads. Built only where OpenMPI is
// found (CMake option FLEETSIM_MPI).
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sweep_runner.hpp"

namespace fleetsim::mpi {

// True when this process was started by mpirun (OpenMPI or a PMI launcher).
bool launched_by_mpirun();

// MPI_Init on construction, MPI_Finalize on destruction; rank 0 also tells the
// other ranks to stop when it leaves (normally or by an exception).
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0: runs the listed runs on ranks 1..N-1 (SweepOptions::remote).
  void dispatch(const std::vector<std::size_t>& runs, const std::function<void(std::size_t)>& done) const;
  // Ranks 1..N-1: run what rank 0 sends until it says stop.
  void serve(const analysis::SweepPlan& plan, const std::string& dir, bool keep_runs) const;

 private:
  void stop_workers();
  int rank_ = 0, size_ = 1;
  bool stopped_ = false;
};

}  // namespace fleetsim::mpi
