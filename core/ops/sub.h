#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& subOp();
}  // namespace nc
