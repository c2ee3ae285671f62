#pragma once
#include "core/ops/op.h"

namespace nc {

// Transpose: output dim i = input dim perm[i] (default: reversed).
const OpSpec& transposeOp();

}  // namespace nc
