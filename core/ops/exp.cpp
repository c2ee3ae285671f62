#include "core/ops/exp.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& expOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Exp", "Arithmetic", "Y = exp(X)",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return std::exp(x); });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
