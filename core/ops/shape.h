#pragma once
#include "core/ops/op.h"

namespace nc {
// Shape: the dims of the input as an int64 vector (opset 15: optional start/end slice).
const OpSpec& shapeOp();
}  // namespace nc
