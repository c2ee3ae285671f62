#include "core/ops/sub.h"

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {
float subF(float a, float b) { return a - b; }
int64_t subI(int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); }  // wraps, no UB
}  // namespace

const OpSpec& subOp() {
  static const OpSpec spec = binaryOpSpec("Sub", "C = A - B (NumPy broadcasting)", subF, 14, subI);
  return spec;
}

}  // namespace nc
