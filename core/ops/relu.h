#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& reluOp();
}  // namespace nc
