#pragma once
#include <bit>
#include <cstdint>
#include <limits>

#include "core/ops/op.h"

namespace nc {
const OpSpec& sigmoidOp();
// Numerically stable logistic function: never overflows, exact 0.5 at 0.
float sigmoid(float x);

namespace detail {
// exp(t) for t in [-88, 0] (Cephes expf polynomial, relative error < 1e-7 down to -87; the
// result is flushed to 0 below about -87.7, where the true value is under 1.2e-38). Pure float
// and integer arithmetic without float -> int conversions, so loops over it vectorise under
// the default trapping-math rules.
inline float expNonPositive(float t) {
  const float shifted = t * 1.44269504088896341f + 12582912.0f;  // round(t / ln 2) via 1.5 * 2^23
  const float kf = shifted - 12582912.0f;
  const int32_t k = std::bit_cast<int32_t>(shifted) - std::bit_cast<int32_t>(12582912.0f);
  const float r = t - kf * 0.693359375f - kf * -2.12194440e-4f;  // Cody-Waite split of ln 2
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  return er * std::bit_cast<float>((k + 127) << 23);  // k = -127 gives the bit pattern of 0
}
}  // namespace detail

// One lane of the fast kernel: the stable two-sided form, e = exp(-|x|) in (0, 1] never
// overflows; sigmoid = 1/(1+e) for x >= 0 and e/(1+e) for x < 0. Every select is an integer bit
// operation (no branch), so a plain loop over it vectorises. NaN in gives NaN out.
inline float sigmoidLane(float x) {
  const int32_t bits = std::bit_cast<int32_t>(x);
  const int32_t abits = bits & 0x7fffffff;
  const int32_t neg = bits >> 31;  // all ones when the sign bit is set
  const int32_t i88 = std::bit_cast<int32_t>(88.0f);
  const float ax =
      std::bit_cast<float>(abits < i88 ? abits : i88);  // |x| clamped to 88 (integer min)
  const float e = detail::expNonPositive(-ax);
  const float r = 1.0f / (1.0f + e);
  const int32_t num = (std::bit_cast<int32_t>(e) & neg) | (std::bit_cast<int32_t>(1.0f) & ~neg);
  const float s = std::bit_cast<float>(num) * r;
  const int32_t nanMask =
      -int32_t(abits > std::bit_cast<int32_t>(std::numeric_limits<float>::infinity())) & 0x7fc00000;
  return std::bit_cast<float>(std::bit_cast<int32_t>(s) | nanMask);
}

// The fast kernel: y[i] = sigmoid(x[i]) for n floats, vectorised; y may alias x.
void sigmoidInto(const float* x, float* y, int64_t n);
// The fast kernel over a float32 tensor.
Tensor sigmoidFast(const Tensor& x);
}  // namespace nc
