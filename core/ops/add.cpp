#include "core/ops/add.h"

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {
float addF(float a, float b) { return a + b; }
int64_t addI(int64_t a, int64_t b) { return int64_t(uint64_t(a) + uint64_t(b)); }  // wraps, no UB
}  // namespace

const OpSpec& addOp() {
  static const OpSpec spec = [] {
    OpSpec s = binaryOpSpec("Add", "C = A + B (NumPy broadcasting)", addF, 14, addI);
    s.fast = binaryFastKernel("Add", addF, addI, [](float a, float b) { return a + b; });
    return s;
  }();
  return spec;
}

}  // namespace nc
