#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& reciprocalOp();
}  // namespace nc
