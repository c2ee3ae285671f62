#include "core/ops/div.h"

#include <limits>

#include "core/ops/util/elementwise.h"

namespace nc {

namespace {
float divF(float a, float b) { return a / b; }  // IEEE: x/0 = +-inf, 0/0 = NaN
int64_t divI(int64_t a, int64_t b) {
  if (b == 0) throw Error("Div: integer division by zero");
  if (a == std::numeric_limits<int64_t>::min() && b == -1) return a;  // wraps like two's complement
  return a / b;  // truncates toward zero, as ONNX Runtime
}
}  // namespace

const OpSpec& divOp() {
  static const OpSpec spec = binaryOpSpec(
      "Div", "C = A / B (NumPy broadcasting; integer division truncates)", divF, 14, divI);
  return spec;
}

}  // namespace nc
