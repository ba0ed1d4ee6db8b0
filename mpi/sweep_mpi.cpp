#include "mpi/sweep_mpi.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <thread>

#include "analysis/sweep_store.hpp"
#include "util/input_error.hpp"

namespace fleetsim::mpi {

namespace {
// Rank 0 -> worker: run k, or stop. Worker -> rank 0: run k recorded, or failed (a message).
enum Tag : int { kRun = 1, kStop = 2, kDone = 3, kFailed = 4 };

void send_index(std::uint64_t k, int to, int tag) { MPI_Send(&k, 1, MPI_UINT64_T, to, tag, MPI_COMM_WORLD); }

std::uint64_t recv_index(int from, int tag) {
  std::uint64_t k = 0;
  MPI_Recv(&k, 1, MPI_UINT64_T, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return k;
}
}  // namespace

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

Session::Session() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  if (rank_ == 0) stop_workers();
  MPI_Finalize();
}

void Session::stop_workers() {
  if (stopped_) return;
  stopped_ = true;
  for (int r = 1; r < size_; ++r) send_index(0, r, kStop);
}

void Session::dispatch(const std::vector<std::size_t>& runs, const std::function<void(std::size_t)>& done) const {
  std::size_t next = 0;
  int busy = 0;
  for (int r = 1; r < size_ && next < runs.size(); ++r, ++busy) send_index(runs[next++], r, kRun);
  while (busy > 0) {
    // Polls with short sleeps rather than MPI_Probe, which spins a core that
    // a worker on the same machine could use.
    MPI_Status st;
    for (int flag = 0;;) {
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      if (flag) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (st.MPI_TAG == kFailed) {
      int n = 0;
      MPI_Get_count(&st, MPI_CHAR, &n);
      std::string why(static_cast<std::size_t>(n), '\0');
      MPI_Recv(why.data(), n, MPI_CHAR, st.MPI_SOURCE, kFailed, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      throw InputError(why);  // ~Session stops the other ranks
    }
    const std::uint64_t k = recv_index(st.MPI_SOURCE, kDone);
    --busy;
    done(static_cast<std::size_t>(k));
    if (next < runs.size()) {
      send_index(runs[next++], st.MPI_SOURCE, kRun);
      ++busy;
    }
  }
}

void Session::serve(const analysis::SweepPlan& plan, const std::string& dir, bool keep_runs) const {
  for (;;) {
    MPI_Status st;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    const std::uint64_t k = recv_index(0, st.MPI_TAG);
    if (st.MPI_TAG == kStop) return;
    try {
      const auto run = static_cast<std::size_t>(k);
      const auto record = analysis::run_point(plan, run, keep_runs ? analysis::run_results_dir(dir, run) : "");
      analysis::write_run(dir, record, plan.info.identity);
      send_index(k, 0, kDone);
    } catch (const std::exception& e) {
      const std::string why = e.what();
      MPI_Send(why.data(), static_cast<int>(why.size()), MPI_CHAR, 0, kFailed, MPI_COMM_WORLD);
    }
  }
}

}  // namespace fleetsim::mpi
