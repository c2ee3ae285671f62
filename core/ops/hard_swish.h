#pragma once
#include "core/ops/op.h"

namespace nc {
const OpSpec& hardSwishOp();
}  // namespace nc
