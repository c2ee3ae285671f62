#pragma once
#include "core/ops/op.h"

namespace nc {

// Squeeze (opset 13): removes the size-1 dims listed in the int64 `axes` input (all size-1
// dims when absent). The opset < 13 `axes` attribute is kept as an attribute.
const OpSpec& squeezeOp();

}  // namespace nc
