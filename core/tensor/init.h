#pragma once
// Weight initialisers for node-owned parameters (Conv W, BatchNorm statistics, ...). Fans follow
// PyTorch's torch.nn.init: fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive
// field, where the receptive field is the product of shape[2:]. PyTorch rejects rank < 2; we
// treat a vector (bias, per-channel statistic) as fan_in = fan_out = its length so that every
// scheme applies to every parameter. Deterministic for a given seed on every platform.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace nc {

// Deterministic standard-normal tensor (Box-Muller over mt19937_64).
Tensor randomNormal(const Shape& shape, uint64_t seed);

struct Fans {
  int64_t fanIn = 1;
  int64_t fanOut = 1;
};
Fans computeFans(const Shape& shape);

// N(0, std^2) with std = sqrt(2 / fan_in): kaiming_normal_(mode='fan_in', nonlinearity='relu').
Tensor kaimingNormal(const Shape& shape, uint64_t seed);
// U(-a, a) with a = sqrt(6 / (fan_in + fan_out)): xavier_uniform_(gain=1).
Tensor xavierUniform(const Shape& shape, uint64_t seed);
// Every element equal to `value`.
Tensor constantTensor(const Shape& shape, float value);

// The initialisers by name, as the editor offers them for a parameter port.
enum class InitScheme { KaimingNormal, XavierUniform, Constant, Zeros, Ones };
const char* initSchemeName(InitScheme s);  // "Kaiming normal", ...
// Whether the scheme draws random numbers (uses the seed).
bool isRandomScheme(InitScheme s);
// A tensor of `shape` by `s`: `seed` for the random schemes, `value` for Constant.
Tensor initialise(InitScheme s, const Shape& shape, uint64_t seed, float value = 0.0f);

}  // namespace nc
