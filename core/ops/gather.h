#pragma once
#include "core/ops/op.h"

namespace nc {
// Gather along one axis with int64 indices of any rank (negative indices count from the end).
const OpSpec& gatherOp();
}  // namespace nc
