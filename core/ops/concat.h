#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& concatOp();
}  // namespace nc
