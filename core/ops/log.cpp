#include "core/ops/log.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& logOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Log", "Arithmetic", "Y = ln(X) (NaN for X < 0, -inf at 0)",
        [](const AttrReader&) {
          return std::function<float(float)>([](float x) { return std::log(x); });
        },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
