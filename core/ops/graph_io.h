#pragma once
// Graph inputs and outputs as pseudo-ops. An Input node declares name, dtype and shape (-1 for
// a dynamic dim) and carries preview data: a fed tensor, its `value`, or seeded random normals.
#include "core/ops/op.h"

namespace nc {
const OpSpec& inputOp();
const OpSpec& outputOp();
}  // namespace nc
