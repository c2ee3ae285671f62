#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& leakyReluOp();
}  // namespace nc
