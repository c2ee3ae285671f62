#pragma once
#include "core/ops/op.h"

namespace nc {
// SiLU (Swish): y = x * sigmoid(x). Our own op; exported as Sigmoid -> Mul, and recognised in
// that form on import.
const OpSpec& siluOp();
float silu(float x);
// dy/dx = sigmoid(x) * (1 + x * (1 - sigmoid(x)))
float siluDerivative(float x);
// The fast kernel over a float32 tensor (vectorised); finite for any finite x.
Tensor siluFast(const Tensor& x);
}  // namespace nc
