#include "core/ops/sqrt.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& sqrtOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Sqrt", "Arithmetic", "Y = sqrt(X) (NaN for X < 0)",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return std::sqrt(x); });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
