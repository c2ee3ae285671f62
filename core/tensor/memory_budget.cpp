#include "core/tensor/memory_budget.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "core/base/error.h"

namespace nc {

namespace {
std::atomic<int64_t> gBudget{0};  // 0: the default
}  // namespace

std::optional<int64_t> checkedNumel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    overflow = __builtin_mul_overflow(n, d, &n) || overflow;
  }
  for (int64_t d : shape)
    if (d == 0) return 0;  // an empty tensor, whatever the other dims
  if (overflow) return std::nullopt;
  return n;
}

int64_t physicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0) return 0;
  int64_t bytes = 0;
  if (__builtin_mul_overflow(int64_t(pages), int64_t(pageSize), &bytes)) return INT64_MAX;
  return bytes;
}

int64_t defaultMemoryBudget() {
  static const int64_t budget = [] {
    const int64_t ram = physicalMemoryBytes();
    return ram > 0 ? ram / 2 : int64_t(4) << 30;
  }();
  return budget;
}

int64_t memoryBudget() {
  const int64_t b = gBudget.load(std::memory_order_relaxed);
  return b > 0 ? b : defaultMemoryBudget();
}

void setMemoryBudget(int64_t bytes) { gBudget.store(bytes > 0 ? bytes : 0, std::memory_order_relaxed); }

std::string formatBytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 6) v /= 1024.0, ++u;
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

void checkAllocation(int64_t numel, int64_t bytesPerElement, const std::string& what) {
  if (numel < 0) throw Error(what + ": negative element count " + std::to_string(numel));
  const int64_t budget = memoryBudget();
  int64_t bytes = 0;
  const bool overflow = __builtin_mul_overflow(numel, bytesPerElement, &bytes);
  if (!overflow && bytes <= budget) return;
  throw Error(what + ": " + std::to_string(numel) + " elements (" +
              (overflow ? std::string("more than 8 EiB") : formatBytes(bytes)) +
              ") exceed the memory budget of " + formatBytes(budget));
}

ScopedMemoryBudget::ScopedMemoryBudget(int64_t bytes) : previous_(gBudget.load()) { setMemoryBudget(bytes); }
ScopedMemoryBudget::~ScopedMemoryBudget() { gBudget.store(previous_); }

}  // namespace nc
