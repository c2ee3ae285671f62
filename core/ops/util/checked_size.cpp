#include "core/ops/util/checked_size.h"

#include "core/tensor/memory_budget.h"

namespace nc {

std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

namespace {

// "" when `out` (of known, non-negative dims) fits the budget; otherwise the reason.
std::string outputSizeProblem(const std::string& what, const Shape& out, DType dtype, int64_t extraBytes) {
  const std::optional<int64_t> numel = checkedNumel(out);
  if (!numel) return what + " of shape " + shapeToString(out) + " has more elements than int64 can count";
  const int64_t esize = int64_t(dtypeSize(dtype));
  const std::optional<int64_t> bytes = checkedMul(*numel, esize);
  const std::optional<int64_t> total = bytes ? checkedAdd(*bytes, extraBytes) : std::nullopt;
  if (total && *total <= memoryBudget()) return {};
  std::string msg = what + " of shape " + shapeToString(out) + " has " + std::to_string(*numel) +
                    " elements (" + (bytes ? formatBytes(*bytes) : std::string("more than 8 EiB"));
  if (extraBytes > 0) msg += ", plus " + formatBytes(extraBytes) + " of working memory";
  return msg + "), more than the memory budget of " + formatBytes(memoryBudget());
}

}  // namespace

void checkInferredOutput(const InferContext& ctx, const Shape& out, DType dtype, const std::string& output) {
  for (int64_t d : out)
    if (d < 0) return;
  const std::string problem = outputSizeProblem("output '" + output + "'", out, dtype, 0);
  if (!problem.empty()) ctx.fail(problem);
}

void checkOutputAllocation(const std::string& op, const Shape& out, DType dtype, int64_t extraBytes) {
  for (int64_t d : out)
    if (d < 0) throw Error(op + ": output shape " + shapeToString(out) + " has a negative dimension");
  const std::string problem = outputSizeProblem(op + " output", out, dtype, extraBytes);
  if (!problem.empty()) throw Error(problem);
}

}  // namespace nc
