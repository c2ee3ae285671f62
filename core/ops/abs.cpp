#include "core/ops/abs.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& absOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Abs", "Arithmetic", "Y = |X|",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return std::fabs(x); });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
