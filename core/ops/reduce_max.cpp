#include "core/ops/reduce_max.h"

#include "core/ops/util/reduce.h"

namespace nc {

const OpSpec& reduceMaxOp() {
  static const OpSpec spec = reduceOpSpec(
      "ReduceMax", "Maximum of the elements over `axes` (all axes when none are given)",
      ReduceKind::Max);
  return spec;
}

}  // namespace nc
