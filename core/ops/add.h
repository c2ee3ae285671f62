#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& addOp();
}  // namespace nc
