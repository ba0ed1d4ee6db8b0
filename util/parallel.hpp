#pragma once
// Independent tasks 0..total-1 on a pool of std::threads that take the next
// index as they finish (runs differ in length). The first exception stops the
// remaining tasks and is rethrown to the caller. Results must be stored by
// index, so that they do not depend on the number of threads.
#include <cstddef>
#include <functional>

namespace fleetsim {

// threads <= 0: one per hardware thread. `on_done(index, done)` is called after
// each task, from the thread that ran it, under a lock (progress, bookkeeping).
void parallel_for(std::size_t total, int threads, const std::function<void(std::size_t)>& task,
                  const std::function<void(std::size_t index, std::size_t done)>& on_done = {});

// The thread count parallel_for uses for `total` tasks.
int effective_threads(int threads, std::size_t total);

}  // namespace fleetsim
