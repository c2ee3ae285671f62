#pragma once
// One process-wide memory budget for allocations whose size comes from a file, a declared shape
// or a computed shape. checkAllocation() refuses a request above it with an error naming what was
// asked for and its size, before anything is allocated or built. The default is half of the
// machine's physical memory; setMemoryBudget() changes it (a later step wires it to a setting
// and to the CLI's --max-memory). Tensor's constructor checks every tensor against it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nc {

// Physical memory of the machine in bytes (0 when the system does not say).
int64_t physicalMemoryBytes();
// Half of physical memory (4 GiB when it is unknown).
int64_t defaultMemoryBudget();
// The budget in force, in bytes.
int64_t memoryBudget();
// Sets the budget in bytes; <= 0 restores the default.
void setMemoryBudget(int64_t bytes);

// Number of elements of a shape with overflow-checked int64 arithmetic and no size cap: nullopt
// when a dim is negative (unknown) or the product overflows int64 (0 when any dim is 0).
std::optional<int64_t> checkedNumel(const std::vector<int64_t>& shape);

// Throws nc::Error naming `what`, the element count and the size in bytes when numel elements
// of bytesPerElement bytes exceed the budget (or overflow int64); numel must not be negative.
void checkAllocation(int64_t numel, int64_t bytesPerElement, const std::string& what);

// "512 B", "1.5 KiB", "11.6 GiB", ...
std::string formatBytes(int64_t bytes);

// Sets a budget for the lifetime of the object and restores the previous one (tests).
class ScopedMemoryBudget {
 public:
  explicit ScopedMemoryBudget(int64_t bytes);
  ~ScopedMemoryBudget();
  ScopedMemoryBudget(const ScopedMemoryBudget&) = delete;
  ScopedMemoryBudget& operator=(const ScopedMemoryBudget&) = delete;

 private:
  int64_t previous_;
};

}  // namespace nc
