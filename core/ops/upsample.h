#pragma once
// Upsample (ONNX opset 9, deprecated since opset 10): kept as its own op so that imported models
// show what they contain; it evaluates through the Resize engine (asymmetric coordinates,
// nearest rounding down) and exports as the equivalent Resize node, since opsets 17/18 reject
// Upsample.
#include "core/ops/op.h"

namespace nc {

const OpSpec& upsampleOp();

}  // namespace nc
