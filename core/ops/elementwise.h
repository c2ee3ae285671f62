#pragma once
// Building blocks for elementwise ops: a unary op is a scalar function plus its spec fields.
#include <cmath>
#include <functional>
#include <string>

#include "core/op.h"

namespace nc {

using UnaryFn = float (*)(float);

// Applies f to every element of in (float32), returning a fresh tensor.
Tensor mapUnary(const Tensor& in, const std::function<float(float)>& f);

// Spec for a one-input, one-output elementwise op of the given ONNX type. `makeFn` builds the
// scalar function from the node's attributes (alpha, beta, ...), once per kernel.
OpSpec unaryOpSpec(std::string type, std::string category, std::string doc,
                   std::function<std::function<float(float)>(const AttrReader&)> makeFn,
                   std::vector<AttrSpec> attrs = {}, int sinceVersion = 13);

// Applies f over two broadcast inputs (NumPy rules).
Tensor mapBinary(const Tensor& a, const Tensor& b, const std::function<float(float, float)>& f);

// Spec for a two-input broadcasting op (Add, Mul, ...) of the given ONNX type.
OpSpec binaryOpSpec(std::string type, std::string doc, float (*f)(float, float), int sinceVersion = 14);

}  // namespace nc
