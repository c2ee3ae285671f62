#pragma once
#include "core/ops/op.h"

namespace nc {

// Softmax (opset 13 semantics): exp(x - max) / sum(exp(x - max)) along one axis (default -1).
const OpSpec& softmaxOp();

}  // namespace nc
