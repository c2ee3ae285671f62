#pragma once
// Small helpers shared by op shape functions and kernels.
#include <optional>
#include <string>
#include <vector>

#include "core/ops/op.h"

namespace nc {

// NumPy/ONNX multidirectional broadcasting of known or partially known shapes (-1 = unknown).
// Throws ShapeError naming both shapes when they cannot broadcast.
Shape broadcastShapes(const Shape& a, const Shape& b);
// Output type of an elementwise op over all bound inputs (unknown if any rank is unknown).
TensorType broadcastTypes(const InferContext& ctx);
// Identity shape function: output 0 has the type of input 0 (unknown when unbound).
std::vector<TensorType> sameAsFirstInput(const InferContext& ctx);
// Normalises a possibly negative axis against rank; throws ShapeError if out of range.
int normalizeAxis(int64_t axis, int rank, const std::string& what = "axis");

}  // namespace nc
