#pragma once
#include "core/ops/op.h"

namespace nc {

// Sum (opset 13): elementwise sum of one or more inputs with NumPy broadcasting.
const OpSpec& sumOp();

}  // namespace nc
