#include "core/ops/silu.h"

#include <Eigen/Core>

#include "core/ops/elementwise.h"
#include "core/ops/sigmoid.h"

namespace nc {

float silu(float x) { return x * sigmoid(x); }

float siluDerivative(float x) {
  float s = sigmoid(x);
  return s * (1.0f + x * (1.0f - s));
}

Tensor siluFast(const Tensor& x) {
  Tensor y(DType::Float32, x.shape());
  const Eigen::Index n = Eigen::Index(x.numel());
  Eigen::Map<const Eigen::ArrayXf> in(x.f32(), n);
  Eigen::Map<Eigen::ArrayXf> out(y.f32(), n);
  // x * sigmoid(x) with the stable two-sided sigmoid: e = exp(-|x|) in (0, 1] never overflows,
  // so the product is finite for any finite x (x = -1e4 gives -0, x = 1e4 gives x).
  // Eigen's exp clamps its argument at about -88.7 (no denormals), so below that e is set to
  // 0 explicitly: the true value is under 1e-38 there.
  const Eigen::ArrayXf e = (in.abs() < 88.0f).select((-in.abs()).exp(), 0.0f);
  const Eigen::ArrayXf r = (1.0f + e).inverse();
  out = in * (in >= 0.0f).select(r, e * r);
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
