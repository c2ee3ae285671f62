#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& expOp();
}  // namespace nc
