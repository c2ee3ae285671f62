#include "core/ops/sigmoid.h"

#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

float sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

void sigmoidInto(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = sigmoidLane(x[i]);
}

Tensor sigmoidFast(const Tensor& x) {
  Tensor y(DType::Float32, x.shape());
  sigmoidInto(x.f32(), y.f32(), x.numel());
  return y;
}

const OpSpec& sigmoidOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec("Sigmoid", "Activation", "Y = 1 / (1 + exp(-X))",
                           [](const AttrReader&) { return std::function<float(float)>(sigmoid); });
    s.minImportOpset = 6;
    s.fast = [](const AttrReader&) {
      return makeKernel(
          [](std::span<const Tensor> in) { return std::vector<Tensor>{sigmoidFast(in[0])}; });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
