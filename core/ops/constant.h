#pragma once
// Constant: a node whose output is its 'value' attribute. Its value is known to shape inference
// (InferContext::value), so a Constant feeding Resize's scales gives a static output shape.
#include "core/op.h"

namespace nc {

const OpSpec& constantOp();

}  // namespace nc
