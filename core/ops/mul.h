#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& mulOp();
}  // namespace nc
