#pragma once
#include "core/ops/op.h"

namespace nc {

// Mean (opset 13): elementwise mean of one or more inputs with NumPy broadcasting.
const OpSpec& meanOp();

}  // namespace nc
