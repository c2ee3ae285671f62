#include "core/ops/min.h"

#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {

// NaN propagates (numpy.minimum, the ONNX reference implementation).
float minF(float a, float b) { return std::isnan(a) || std::isnan(b) ? NAN : (b < a ? b : a); }
int64_t minI(int64_t a, int64_t b) { return b < a ? b : a; }

// Variadic: folds the inputs pairwise, broadcasting at each step (the result is the same as
// broadcasting all of them at once). One input is returned unchanged.
std::vector<Tensor> fold(std::span<const Tensor> in) {
  if (in.empty()) throw Error("Min needs at least one input");
  Tensor acc = in[0];
  for (size_t i = 1; i < in.size(); ++i) acc = binaryReference("Min", acc, in[i], minF, minI);
  return {acc};
}

}  // namespace

const OpSpec& minOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Min";
    s.sinceVersion = 13;
    s.minImportOpset = 6;  // opset 6-7 required equal shapes: a special case of broadcasting
    s.category = "Arithmetic";
    s.caption = "Min";
    s.doc = "Elementwise minimum of 1..N inputs (NumPy broadcasting; NaN propagates)";
    s.inputs = {variadicIn("data_0", "one or more inputs")};
    s.outputs = {in("min")};
    s.infer = inferBroadcastSameType;
    s.reference = [](const AttrReader&) { return makeKernel(fold); };
    s.blocked = BlockedForm::Pointwise;
    return s;
  }();
  return spec;
}

}  // namespace nc
