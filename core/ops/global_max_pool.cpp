#include "core/ops/global_max_pool.h"

#include "core/ops/util/pooling.h"

namespace nc {

const OpSpec& globalMaxPoolOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "GlobalMaxPool";
    s.sinceVersion = 1;
    s.minImportOpset = 1;
    s.category = "Pooling";
    s.caption = "GlobalMaxPool";
    s.doc = "Y = maximum of X over every spatial dim (N x C x D... -> N x C x 1...)";
    s.inputs = {in("X")};
    s.outputs = {in("Y")};
    setPoolFunctions(s, PoolMode::Max, true);
    return s;
  }();
  return spec;
}

}  // namespace nc
