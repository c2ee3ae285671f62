#pragma once
// How netcanvas-cli prints types, tensors and ONNX validation reports.
#include <string>

#include "core/onnx/validate.h"
#include "core/ops/op.h"
#include "core/tensor/tensor.h"

namespace nc::cli {

// "float32[1, 3, 640, 640]"; "unknown" for no type, "[?]" for an unknown rank.
std::string typeString(const TensorType* t);
std::string tensorString(const Tensor& t);
// The checker and shape-inference lines, notes, and the model-local functions.
void printReport(const ValidationReport& r);
// "1 block" / "3 blocks".
std::string countNoun(size_t n, const char* singular, const char* plural);

}  // namespace nc::cli
