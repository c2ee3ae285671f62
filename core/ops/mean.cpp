#include "core/ops/mean.h"

#include "core/ops/util/variadic_elementwise.h"

namespace nc {

const OpSpec& meanOp() {
  static const OpSpec spec =
      variadicElementwiseSpec("Mean", "Elementwise mean of all inputs (NumPy broadcasting)", true);
  return spec;
}

}  // namespace nc
