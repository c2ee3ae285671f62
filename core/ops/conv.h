#pragma once
#include "core/ops/op.h"

namespace nc {

// ONNX Conv (opset 11 semantics; imported from opset 1): 1 to 3 spatial dims, strides, pads,
// dilations, groups (incl. depthwise), optional bias, auto_pad. Fast kernel: oneDNN.
const OpSpec& convOp();

}  // namespace nc
