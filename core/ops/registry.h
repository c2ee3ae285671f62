#pragma once
// The explicit list of every op (core/ops/registry.cpp, one line per op).
#include <string_view>
#include <vector>

#include "core/ops/op.h"

namespace nc {

const std::vector<const OpSpec*>& allOps();
const OpSpec* findOp(std::string_view type);
// Lookup by ONNX op type for import (several of ours may share none; SiLU has none).
const OpSpec* findOpByOnnxType(std::string_view onnxType);

}  // namespace nc
