#pragma once
#include "core/ops/op.h"

namespace nc {

// ReduceMax over the given axes (see core/ops/reduce.h for the axes input/attribute forms).
const OpSpec& reduceMaxOp();

}  // namespace nc
