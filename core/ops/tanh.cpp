#include "core/ops/tanh.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& tanhOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Tanh", "Activation", "Y = tanh(X)",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return std::tanh(x); });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
