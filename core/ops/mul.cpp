#include "core/ops/mul.h"

#include "core/ops/elementwise.h"

namespace nc {

const OpSpec& mulOp() {
  static const OpSpec spec = binaryOpSpec("Mul", "C = A * B (NumPy broadcasting)", [](float a, float b) { return a * b; });
  return spec;
}

}  // namespace nc
