#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& negOp();
}  // namespace nc
