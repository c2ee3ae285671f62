#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& logOp();
}  // namespace nc
