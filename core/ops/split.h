#pragma once
#include "core/ops/op.h"

namespace nc {

// Split (opset 13/18): splits `input` along `axis` into the node's outputs, by the int64
// `split` input (or the legacy `split` attribute), else into equal parts of ceil(dim / n)
// with a smaller last part (opset 18's num_outputs rule; the node's output count is n).
const OpSpec& splitOp();

}  // namespace nc
