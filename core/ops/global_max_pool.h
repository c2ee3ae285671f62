#pragma once
#include "core/ops/op.h"

namespace nc {

// ONNX GlobalMaxPool: the maximum over all spatial dims, N x C x D... -> N x C x 1 ...
const OpSpec& globalMaxPoolOp();

}  // namespace nc
