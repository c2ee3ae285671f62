#include "core/ops/reciprocal.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& reciprocalOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Reciprocal", "Arithmetic", "Y = 1 / X",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return 1.0f / x; });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
