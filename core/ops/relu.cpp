#include "core/ops/relu.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& reluOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Relu", "Activation", "Y = max(0, X)",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return x > 0.0f ? x : 0.0f; });
        },
        {}, 14);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
