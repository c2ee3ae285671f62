#include "core/ops/neg.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& negOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "Neg", "Arithmetic", "Y = -X",
        [](const AttrReader&) { return std::function<float(float)>([](float x) { return -x; }); },
        {}, 13);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
