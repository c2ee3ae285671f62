#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& hardSigmoidOp();
}  // namespace nc
