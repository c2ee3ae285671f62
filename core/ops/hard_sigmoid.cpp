#include "core/ops/hard_sigmoid.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& hardSigmoidOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "HardSigmoid", "Activation", "Y = max(0, min(1, alpha * X + beta))",
        [](const AttrReader& a) {
          const float alpha = a.f("alpha"), beta = a.f("beta");
          return std::function<float(float)>(
              [alpha, beta](float x) { return std::max(0.0f, std::min(1.0f, alpha * x + beta)); });
        },
        {attrFloat("alpha", 0.2f, -1e9, 1e9, "slope"),
         attrFloat("beta", 0.5f, -1e9, 1e9, "offset")},
        6);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
