#include "core/ops/leaky_relu.h"

#include <algorithm>
#include <cmath>

#include "core/ops/util/elementwise.h"

namespace nc {

const OpSpec& leakyReluOp() {
  static const OpSpec spec = [] {
    OpSpec s = unaryOpSpec(
        "LeakyRelu", "Activation", "Y = X for X >= 0, alpha * X otherwise",
        [](const AttrReader& a) {
          const float alpha = a.f("alpha");
          return std::function<float(float)>(
              [alpha](float x) { return x >= 0.0f ? x : alpha * x; });
        },
        {attrFloat("alpha", 0.01f, -1e9, 1e9, "slope for X < 0")}, 16);
    s.minImportOpset = 6;
    return s;
  }();
  return spec;
}

}  // namespace nc
