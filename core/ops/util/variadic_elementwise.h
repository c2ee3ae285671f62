#pragma once
// Sum and Mean: elementwise over any number of inputs with NumPy broadcasting.
#include "core/ops/op.h"

namespace nc {

// mean=false: Sum; mean=true: Mean (the sum divided by the number of inputs).
OpSpec variadicElementwiseSpec(std::string type, std::string doc, bool mean);

}  // namespace nc
