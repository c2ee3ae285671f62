#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& powOp();
}  // namespace nc
