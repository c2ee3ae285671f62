#pragma once
#include "core/ops/op.h"

namespace nc {

// ONNX AveragePool (opset 11 semantics; imported from opset 1): 1 to 3 spatial dims,
// kernel_shape, strides, pads, ceil_mode, count_include_pad, auto_pad.
const OpSpec& averagePoolOp();

}  // namespace nc
