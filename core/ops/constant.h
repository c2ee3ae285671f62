#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& constantOp();
}  // namespace nc
