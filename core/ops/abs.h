#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& absOp();
}  // namespace nc
