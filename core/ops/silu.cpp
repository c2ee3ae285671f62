#include "core/ops/silu.h"

#include "core/ops/elementwise.h"
#include "core/ops/sigmoid.h"

namespace nc {

float silu(float x) { return x * sigmoid(x); }

float siluDerivative(float x) {
  float s = sigmoid(x);
  return s * (1.0f + x * (1.0f - s));
}

const OpSpec& siluOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec("SiLU", "Activation", "Y = X * sigmoid(X) (Swish); exported as Sigmoid -> Mul",
                           [](const AttrReader&) { return std::function<float(float)>(silu); });
    s.onnxType = "";  // no ONNX op: recognised from Sigmoid -> Mul on import
    s.caption = "SiLU";
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
