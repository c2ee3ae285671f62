#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& maxOp();
}  // namespace nc
