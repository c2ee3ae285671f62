#pragma once
// Int64 shape-like inputs (Reshape's shape, Slice's starts/ends, Squeeze's axes, ...): reading
// them in shape inference when statically known, at run time, and the attribute form of older
// opsets (an ints attribute used when the input is unbound, exported as an int64 initializer).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/ops/op.h"

namespace nc {

// Values of input i when statically known (a node-owned constant or a Constant node's output).
std::optional<std::vector<int64_t>> staticInts(const InferContext& ctx, int i);
// Input i's values, or attribute `attr` when the input is unbound and the attribute is set;
// nullopt when neither is given. Sets *dynamic when the input is bound but not static.
std::optional<std::vector<int64_t>> staticIntsOrAttr(const InferContext& ctx, int i,
                                                     const std::string& attr, bool* dynamic);
// Run time: input i's values (must be int64, rank <= 1), or nullopt when unbound (empty tensor).
std::optional<std::vector<int64_t>> runtimeInts(std::span<const Tensor> in, int i,
                                                const char* what);
// A type with known rank but every dimension unknown.
TensorType unknownDims(int rank, DType t);
// Normalises a list of axes against rank; fails on out-of-range or repeated axes.
std::vector<int> normalizeAxes(const std::vector<int64_t>& axes, int rank,
                               const std::string& what = "axes");

// Export: the ONNX value name for input `port` when bound; otherwise, when attribute `attr` is
// set, a fresh int64 initializer holding its values; "" when neither.
std::string exportIntsInput(ExportContext& ctx, const AttrReader& a, int port,
                            const std::string& attr);
// Export: the values of input `port` when it is a node-owned constant, or attribute `attr` when
// the input is unbound and the attribute set. Throws when the input is connected (not static).
std::optional<std::vector<int64_t>> exportStaticInts(const AttrReader& a, int port,
                                                     const std::string& attr,
                                                     const std::string& why);

}  // namespace nc
