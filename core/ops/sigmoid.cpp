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
  // The stable two-sided form, vectorised: e = exp(-|x|) lies in (0, 1] and never overflows,
  // sigmoid = 1/(1+e) for x >= 0 and e/(1+e) for x < 0 (tiny values stay tiny, not 0/0).
  // Eigen's exp clamps its argument at about -88.7 (no denormals), so below that e is set to
  // 0 explicitly: the true value is under 1e-38 there.
  const Eigen::ArrayXf e = (in.abs() < 88.0f).select((-in.abs()).exp(), 0.0f);
  const Eigen::ArrayXf r = (1.0f + e).inverse();
  out = (in >= 0.0f).select(r, e * r);
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
