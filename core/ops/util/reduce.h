#pragma once
// The reductions (ReduceMean, ReduceMax). Canonical form: axes come from the int64 `axes` input
// (opset 18) or, when it is unbound, the `axes` attribute (opset 13-17); keepdims and
// noop_with_empty_axes as in opset 18. Export writes whichever form the target opset needs.
#include "core/ops/op.h"

namespace nc {

enum class ReduceKind { Mean, Max };

OpSpec reduceOpSpec(std::string type, std::string doc, ReduceKind kind);

}  // namespace nc
