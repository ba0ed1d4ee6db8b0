#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fleetsim {

int effective_threads(int threads, std::size_t total) {
  int t = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(t, 1, static_cast<int>(std::min<std::size_t>(std::max<std::size_t>(total, 1), 4096)));
}

void parallel_for(std::size_t total, int threads, const std::function<void(std::size_t)>& task,
                  const std::function<void(std::size_t, std::size_t)>& on_done) {
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  std::size_t done = 0;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= total) return;
      try {
        task(k);
        std::lock_guard g(lock);
        ++done;
        if (on_done) on_done(k, done);
      } catch (...) {
        std::lock_guard g(lock);
        if (!error) error = std::current_exception();
        next.store(total);
        return;
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < effective_threads(threads, total); ++t) pool.emplace_back(worker);
    worker();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace fleetsim
