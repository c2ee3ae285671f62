#pragma once
#include "core/ops/op.h"

namespace nc {

// Gemm: Y = alpha * A' x B' + beta * C, A' = transA ? A^T : A, B' likewise; C optional and
// unidirectionally broadcast to [M, N].
const OpSpec& gemmOp();

}  // namespace nc
