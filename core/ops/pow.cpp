#include "core/ops/pow.h"

#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {

// Integer power by squaring for non-negative exponents (wrapping on overflow, as ONNX Runtime's
// integer loop does); negative exponents go through double and truncate (2^-1 = 0, 1^-1 = 1).
int64_t ipow(int64_t base, int64_t e) {
  if (e < 0) return int64_t(std::pow(double(base), double(e)));
  uint64_t result = 1, b = uint64_t(base);
  while (e) {
    if (e & 1) result *= b;
    b *= b;
    e >>= 1;
  }
  return int64_t(result);
}

Tensor powReference(const Tensor& x, const Tensor& y) {
  const bool xf = x.dtype() == DType::Float32, yf = y.dtype() == DType::Float32;
  // Output has the element type of the base X.
  if (xf && yf)
    return broadcastNaive<float, float, float>(
        x, x.f32(), y, y.f32(), DType::Float32,
        [](float a, float b) { return float(std::pow(double(a), double(b))); });
  if (xf)
    return broadcastNaive<float, int64_t, float>(
        x, x.f32(), y, y.i64(), DType::Float32,
        [](float a, int64_t b) { return float(std::pow(double(a), double(b))); });
  if (yf)
    return broadcastNaive<int64_t, float, int64_t>(
        x, x.i64(), y, y.f32(), DType::Int64,
        [](int64_t a, float b) { return int64_t(std::pow(double(a), double(b))); });
  return broadcastNaive<int64_t, int64_t, int64_t>(x, x.i64(), y, y.i64(), DType::Int64, ipow);
}

std::vector<TensorType> inferPow(const InferContext& ctx) {
  if (!ctx.hasInput(0) || !ctx.hasInput(1)) return {TensorType::unknown()};
  TensorType t = broadcastTypes(ctx);
  t.dtype = ctx.input(0)->dtype;  // Z has the type of the base X; Y may differ
  return {t};
}

}  // namespace

const OpSpec& powOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Pow";
    s.sinceVersion = 15;
    s.minImportOpset = 7;  // multidirectional broadcasting since opset 7
    s.category = "Arithmetic";
    s.caption = "Pow";
    s.doc =
        "Z = X ^ Y (NumPy broadcasting; Z has the element type of X, Y may be float32 or int64)";
    s.inputs = {in("X"), in("Y")};
    s.outputs = {in("Z")};
    s.infer = inferPow;
    s.reference = [](const AttrReader&) {
      return makeKernel([](std::span<const Tensor> in) {
        return std::vector<Tensor>{powReference(in[0], in[1])};
      });
    };
    s.blocked = BlockedForm::Pointwise;
    return s;
  }();
  return spec;
}

}  // namespace nc
