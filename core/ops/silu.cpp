#include "core/ops/silu.h"

#include "core/ops/util/elementwise.h"
#include "core/ops/sigmoid.h"

namespace nc {

float silu(float x) { return x * sigmoid(x); }

float siluDerivative(float x) {
  float s = sigmoid(x);
  return s * (1.0f + x * (1.0f - s));
}

Tensor siluFast(const Tensor& x) {
  // x * sigmoid(x) with the stable two-sided sigmoid (a value in [0, 1]), so the product is
  // finite for any finite x: x = -1e4 gives -0, x = 1e4 gives x.
  Tensor y(DType::Float32, x.shape());
  const int64_t n = x.numel();
  const float* px = x.f32();
  float* py = y.f32();
  for (int64_t i = 0; i < n; ++i) py[i] = px[i] * sigmoidLane(px[i]);
  return y;
}

const OpSpec& siluOp() {
  static const OpSpec spec = [] {
    OpSpec s =
        unaryOpSpec("SiLU", "Activation", "Y = X * sigmoid(X) (Swish); exported as Sigmoid -> Mul",
                    [](const AttrReader&) { return std::function<float(float)>(silu); });
    s.onnxType = "";  // no ONNX op: recognised from Sigmoid -> Mul on import
    s.caption = "SiLU";
    s.fast = [](const AttrReader&) {
      return makeKernel(
          [](std::span<const Tensor> in) { return std::vector<Tensor>{siluFast(in[0])}; });
    };
    s.exportOnnx = [](ExportContext& ctx, const AttrReader&) {
      std::string sig = ctx.tempName("sigmoid");
      ctx.addNode("Sigmoid", {ctx.input(0)}, {sig}, {}, "_sigmoid");
      ctx.addNode("Mul", {ctx.input(0), sig}, {ctx.output(0)}, {}, "_mul");
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
