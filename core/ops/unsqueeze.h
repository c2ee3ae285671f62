#pragma once
#include "core/ops/op.h"

namespace nc {

// Unsqueeze (opset 13): inserts size-1 dims at the int64 `axes` (positions in the output).
// The opset < 13 `axes` attribute is kept as an attribute.
const OpSpec& unsqueezeOp();

}  // namespace nc
