#include "core/ops/mul.h"

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {
float mulF(float a, float b) { return a * b; }
int64_t mulI(int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); }  // wraps, no UB
}  // namespace

const OpSpec& mulOp() {
  static const OpSpec spec = [] {
    OpSpec s = binaryOpSpec("Mul", "C = A * B (NumPy broadcasting)", mulF, 14, mulI);
    s.fast = binaryFastKernel("Mul", mulF, mulI, [](float a, float b) { return a * b; });
    return s;
  }();
  return spec;
}

}  // namespace nc
