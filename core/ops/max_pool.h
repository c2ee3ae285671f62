#pragma once
#include "core/ops/op.h"

namespace nc {

// ONNX MaxPool (opset 12 semantics; imported from opset 1): 1 to 3 spatial dims, kernel_shape,
// strides, pads, dilations, ceil_mode, auto_pad; optional Indices output with storage_order.
const OpSpec& maxPoolOp();

}  // namespace nc
