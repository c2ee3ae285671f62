#pragma once
// The heavy loops of the ops other than Conv and the pools run on the OpenMP thread pool that
// oneDNN runs on (Debian builds oneDNN with OpenMP), so one thread count (`bench --threads`,
// OMP_NUM_THREADS) sizes both and the two never oversubscribe the cores. Small loops stay on the
// calling thread: waking the pool costs a few microseconds.
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

// The pragmas take effect where OpenMP is on (netcanvas_core); elsewhere the loops run serially.
#ifdef _OPENMP
#define NC_OMP(directive) _Pragma(directive)
#else
#define NC_OMP(directive)
#endif

namespace nc {

// Elements of a pointwise float loop worth one more thread (about 10 microseconds of work).
constexpr int64_t kParallelElements = int64_t(1) << 15;
// Bytes of copying worth one more thread.
constexpr int64_t kParallelBytes = int64_t(1) << 18;

// Threads to use for `work` units of which each thread should get at least `grain`.
inline int parallelThreads(int64_t work, int64_t grain) {
  if (work < 2 * grain || omp_in_parallel()) return 1;
  return int(std::min<int64_t>(omp_get_max_threads(), work / grain));
}

// Calls f(begin, end) on disjoint ranges covering [0, n), in parallel when n is at least twice
// `grain`. Range bounds are multiples of 64 (whole cache lines of floats) except n itself.
// f must not throw.
template <class F>
void parallelFor(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  const int threads = parallelThreads(n, grain);
  if (threads <= 1) {
    f(int64_t(0), n);
    return;
  }
  NC_OMP("omp parallel num_threads(threads)")
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t begin = t == 0 ? 0 : (n * t / nt) & ~int64_t(63);
    const int64_t end = t == nt - 1 ? n : (n * (t + 1) / nt) & ~int64_t(63);
    if (begin < end) f(begin, end);
  }
}

// One memcpy of a batch.
struct CopyTask {
  std::byte* dst;
  const std::byte* src;
  size_t bytes;
};

// Performs every copy, spreading the bytes over the threads when there are enough of them
// (large copies are cut into pieces). Copies must not overlap.
inline void parallelCopy(const std::vector<CopyTask>& tasks) {
  int64_t total = 0;
  for (const CopyTask& c : tasks) total += int64_t(c.bytes);
  const int threads = parallelThreads(total, kParallelBytes);
  if (threads <= 1) {
    for (const CopyTask& c : tasks) std::memcpy(c.dst, c.src, c.bytes);
    return;
  }
  // Pieces of at most 1/(4 threads) of the total, so the threads end close together.
  const size_t piece = size_t(std::max<int64_t>(4096, total / (4 * threads)));
  std::vector<CopyTask> pieces;
  for (const CopyTask& c : tasks)
    for (size_t off = 0; off < c.bytes; off += piece)
      pieces.push_back({c.dst + off, c.src + off, std::min(piece, c.bytes - off)});
  NC_OMP("omp parallel for num_threads(threads) schedule(dynamic, 1)")
  for (size_t i = 0; i < pieces.size(); ++i) std::memcpy(pieces[i].dst, pieces[i].src, pieces[i].bytes);
}

}  // namespace nc
