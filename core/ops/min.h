#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& minOp();
}  // namespace nc
