#pragma once
#include "core/ops/op.h"

namespace nc {
const OpSpec& powOp();
}  // namespace nc
