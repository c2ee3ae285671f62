#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& hardSwishOp();
}  // namespace nc
