#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& tanhOp();
}  // namespace nc
