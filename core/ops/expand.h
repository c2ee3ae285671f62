#pragma once
#include "core/ops/op.h"

namespace nc {

// Expand (opset 13): broadcasts `input` with the int64 `shape` (bidirectionally, NumPy rules).
const OpSpec& expandOp();

}  // namespace nc
