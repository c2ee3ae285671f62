#pragma once
#include "core/ops/op.h"

namespace nc {

// Flatten: [d0 .. d(axis-1)] x [d(axis) .. d(r-1)] -> 2-D.
const OpSpec& flattenOp();

}  // namespace nc
