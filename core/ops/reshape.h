#pragma once
#include "core/ops/op.h"

namespace nc {

// Reshape (opset 14): `shape` is an int64 input; 0 copies the input dim (unless allowzero=1),
// -1 is inferred from the remaining size.
const OpSpec& reshapeOp();

// The output shape for `request` applied to `in` (whose dims may be -1 = unknown; the result
// then has -1 where it cannot be told). Throws ShapeError naming both shapes.
Shape reshapeTarget(const Shape& in, const std::vector<int64_t>& request, bool allowzero);

}  // namespace nc
