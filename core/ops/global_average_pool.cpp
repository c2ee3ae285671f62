#include "core/ops/global_average_pool.h"

#include "core/ops/util/pooling.h"

namespace nc {

const OpSpec& globalAveragePoolOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "GlobalAveragePool";
    s.sinceVersion = 1;
    s.minImportOpset = 1;
    s.category = "Pooling";
    s.caption = "GlobalAvgPool";
    s.doc = "Y = mean of X over every spatial dim (N x C x D... -> N x C x 1...)";
    s.inputs = {in("X")};
    s.outputs = {in("Y")};
    setPoolFunctions(s, PoolMode::Average, true);
    return s;
  }();
  return spec;
}

}  // namespace nc
