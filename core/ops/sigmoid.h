#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& sigmoidOp();
// Numerically stable logistic function: never overflows, exact 0.5 at 0.
float sigmoid(float x);
// The fast kernel over a float32 tensor (Eigen vectorised exp).
Tensor sigmoidFast(const Tensor& x);
}  // namespace nc
