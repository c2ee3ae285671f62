#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& sqrtOp();
}  // namespace nc
