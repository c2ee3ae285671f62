#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& divOp();
}  // namespace nc
