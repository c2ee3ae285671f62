#pragma once
// Checked int64 arithmetic for shape computations, and the output-size checks an op runs before
// it builds a kernel's output, a oneDNN primitive or a lookup table: a hostile attribute or input
// (pads of 1e9, a scale of 1e9) gets one clear error instead of minutes of work and bad_alloc.
#include <cstdint>
#include <optional>
#include <string>

#include "core/ops/op.h"
#include "core/tensor/memory_budget.h"

namespace nc {

// a + b and a * b; nullopt when the result does not fit int64.
std::optional<int64_t> checkedAdd(int64_t a, int64_t b);
std::optional<int64_t> checkedMul(int64_t a, int64_t b);

// Shape inference: fails (InferContext::fail) when the fully known shape `out` of output `output`
// has more elements than int64 holds or needs more bytes than the memory budget allows. Unknown
// dims pass.
void checkInferredOutput(const InferContext& ctx, const Shape& out, DType dtype,
                         const std::string& output = "Y");

// Kernels: throws nc::Error naming `op`'s output, its shape and size when it would not fit the
// memory budget (core/tensor/memory_budget.h); `extraBytes` counts working memory (tables,
// indices) needed besides the output.
void checkOutputAllocation(const std::string& op, const Shape& out, DType dtype, int64_t extraBytes = 0);

}  // namespace nc
