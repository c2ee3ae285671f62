#include "core/ops/sigmoid.h"

#include <cmath>

#include "core/ops/elementwise.h"

namespace nc {

float sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

const OpSpec& sigmoidOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec("Sigmoid", "Activation", "Y = 1 / (1 + exp(-X))",
                           [](const AttrReader&) { return std::function<float(float)>(sigmoid); });
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
