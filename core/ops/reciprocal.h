#pragma once
#include "core/ops/op.h"

namespace nc {
const OpSpec& reciprocalOp();
}  // namespace nc
