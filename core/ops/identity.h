#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& identityOp();
}  // namespace nc
