#pragma once
#include "core/ops/op.h"

namespace nc {

// Slice (opset 13): starts/ends/axes/steps as int64 inputs, negative steps, clamping as the
// ONNX spec says.
const OpSpec& sliceOp();

}  // namespace nc
