#include "core/ops/hard_swish.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& hardSwishOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "HardSwish", "Activation", "Y = X * max(0, min(1, X / 6 + 0.5))",
        [](const AttrReader&) {
          return std::function<float(float)>(
              [](float x) { return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)); });
        },
        {}, 14);
    s.minImportOpset = 14;
    return s;
  }();
  return spec;
}

}  // namespace nc
