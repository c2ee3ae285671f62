#include "core/ops/sigmoid.h"

#include <Eigen/Core>
#include <cmath>

#include "core/ops/elementwise.h"

namespace nc {

float sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

Tensor sigmoidFast(const Tensor& x) {
  Tensor y(DType::Float32, x.shape());
  const Eigen::Index n = Eigen::Index(x.numel());
  Eigen::Map<const Eigen::ArrayXf> in(x.f32(), n);
  Eigen::Map<Eigen::ArrayXf> out(y.f32(), n);
  // Eigen's vectorised exp saturates: exp(-x) = inf for x < -88 gives 1/inf = 0, exp(-x) = 0
  // for large x gives exactly 1, so the one-sided formula stays finite everywhere.
  out = 1.0f / (1.0f + (-in).exp());
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
