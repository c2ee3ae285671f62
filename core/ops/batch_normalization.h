#pragma once
#include "core/ops/op.h"

namespace nc {
// BatchNormalization, inference form: Y = scale * (X - mean) / sqrt(var + epsilon) + B, per
// channel (axis 1) of an N-D input, rank 2 (N,C) through 5.
const OpSpec& batchNormalizationOp();
}  // namespace nc
