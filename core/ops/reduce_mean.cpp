#include "core/ops/reduce_mean.h"

#include "core/ops/util/reduce.h"

namespace nc {

const OpSpec& reduceMeanOp() {
  static const OpSpec spec =
      reduceOpSpec("ReduceMean", "Mean of the elements over `axes` (all axes when none are given)",
                   ReduceKind::Mean);
  return spec;
}

}  // namespace nc
