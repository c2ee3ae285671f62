#include "core/ops/registry.h"

#include "core/ops/batch_normalization.h"
#include "core/ops/expand.h"
#include "core/ops/flatten.h"
#include "core/ops/gemm.h"
#include "core/ops/graph_io.h"
#include "core/ops/identity.h"
#include "core/ops/matmul.h"
#include "core/ops/mean.h"
#include "core/ops/mul.h"
#include "core/ops/reduce_max.h"
#include "core/ops/reduce_mean.h"
#include "core/ops/reshape.h"
#include "core/ops/sigmoid.h"
#include "core/ops/silu.h"
#include "core/ops/slice.h"
#include "core/ops/softmax.h"
#include "core/ops/split.h"
#include "core/ops/squeeze.h"
#include "core/ops/sum.h"
#include "core/ops/transpose.h"
#include "core/ops/unsqueeze.h"

namespace nc {

const std::vector<const OpSpec*>& allOps() {
  static const std::vector<const OpSpec*> ops = {
      // Graph structure
      &inputOp(),
      &outputOp(),
      // Activations
      &sigmoidOp(),
      &siluOp(),
      &softmaxOp(),
      // Normalization
      &batchNormalizationOp(),
      // Arithmetic
      &mulOp(),
      &sumOp(),
      &meanOp(),
      // Linear
      &matmulOp(),
      &gemmOp(),
      // Reduction
      &reduceMeanOp(),
      &reduceMaxOp(),
      // Tensor
      &identityOp(),
      &reshapeOp(),
      &flattenOp(),
      &transposeOp(),
      &squeezeOp(),
      &unsqueezeOp(),
      &expandOp(),
      &sliceOp(),
      &splitOp(),
  };
  return ops;
}

const OpSpec* findOp(std::string_view type) {
  for (const OpSpec* op : allOps())
    if (op->type == type) return op;
  return nullptr;
}

const OpSpec* findOpByOnnxType(std::string_view onnxType) {
  for (const OpSpec* op : allOps())
    if (!op->onnxType.empty() && op->onnxType == onnxType) return op;
  return nullptr;
}

}  // namespace nc
