#pragma once
#include "core/ops/op.h"

namespace nc {

// ONNX GlobalAveragePool: the mean over all spatial dims, N x C x D... -> N x C x 1 ...
const OpSpec& globalAveragePoolOp();

}  // namespace nc
