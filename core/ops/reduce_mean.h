#pragma once
#include "core/ops/op.h"

namespace nc {

// ReduceMean over the given axes (see core/ops/reduce.h for the axes input/attribute forms).
const OpSpec& reduceMeanOp();

}  // namespace nc
