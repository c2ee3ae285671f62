#include "core/tensor/init.h"

#include <cmath>
#include <random>

#include "core/base/error.h"

namespace nc {

Tensor randomNormal(const Shape& shape, uint64_t seed) {
  Tensor t(DType::Float32, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  float* p = t.f32();
  for (int64_t i = 0; i < t.numel(); i += 2) {
    double u1 = 1.0 - u(rng), u2 = u(rng);
    double r = std::sqrt(-2.0 * std::log(u1));
    p[i] = float(r * std::cos(2 * M_PI * u2));
    if (i + 1 < t.numel()) p[i + 1] = float(r * std::sin(2 * M_PI * u2));
  }
  return t;
}

Fans computeFans(const Shape& shape) {
  for (int64_t d : shape)
    if (d < 0) throw Error("cannot initialise a tensor of shape " + shapeToString(shape) + ": negative dim");
  Fans f;
  if (shape.size() < 2) {
    f.fanIn = f.fanOut = shape.empty() ? 1 : std::max<int64_t>(1, shape[0]);
    return f;
  }
  int64_t receptive = 1;
  for (size_t i = 2; i < shape.size(); ++i) receptive *= shape[i];
  f.fanIn = std::max<int64_t>(1, shape[1] * receptive);
  f.fanOut = std::max<int64_t>(1, shape[0] * receptive);
  return f;
}

Tensor kaimingNormal(const Shape& shape, uint64_t seed) {
  const Fans f = computeFans(shape);
  const double stddev = std::sqrt(2.0 / double(f.fanIn));
  Tensor t = randomNormal(shape, seed);
  for (float& v : t.floats()) v = float(double(v) * stddev);
  return t;
}

Tensor xavierUniform(const Shape& shape, uint64_t seed) {
  const Fans f = computeFans(shape);
  const double a = std::sqrt(6.0 / double(f.fanIn + f.fanOut));
  Tensor t(DType::Float32, shape);
  std::mt19937_64 rng(seed);
  // 53 random bits -> [0, 1): the same sequence with every standard library.
  for (float& v : t.floats()) {
    const double u = double(rng() >> 11) * 0x1.0p-53;
    v = float((2.0 * u - 1.0) * a);
  }
  return t;
}

Tensor constantTensor(const Shape& shape, float value) {
  Tensor t(DType::Float32, shape);
  for (float& v : t.floats()) v = value;
  return t;
}

const char* initSchemeName(InitScheme s) {
  switch (s) {
    case InitScheme::KaimingNormal: return "Kaiming normal";
    case InitScheme::XavierUniform: return "Xavier uniform";
    case InitScheme::Constant: return "Constant";
    case InitScheme::Zeros: return "Zeros";
    case InitScheme::Ones: return "Ones";
  }
  return "?";
}

bool isRandomScheme(InitScheme s) { return s == InitScheme::KaimingNormal || s == InitScheme::XavierUniform; }

Tensor initialise(InitScheme s, const Shape& shape, uint64_t seed, float value) {
  switch (s) {
    case InitScheme::KaimingNormal: return kaimingNormal(shape, seed);
    case InitScheme::XavierUniform: return xavierUniform(shape, seed);
    case InitScheme::Constant: return constantTensor(shape, value);
    case InitScheme::Zeros: return constantTensor(shape, 0.0f);
    case InitScheme::Ones: return constantTensor(shape, 1.0f);
  }
  return {};
}

}  // namespace nc
