#pragma once
#include "core/op.h"

namespace nc {
const OpSpec& clipOp();
}  // namespace nc
