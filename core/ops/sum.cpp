#include "core/ops/sum.h"

#include "core/ops/util/variadic_elementwise.h"

namespace nc {

const OpSpec& sumOp() {
  static const OpSpec spec =
      variadicElementwiseSpec("Sum", "Elementwise sum of all inputs (NumPy broadcasting)", false);
  return spec;
}

}  // namespace nc
