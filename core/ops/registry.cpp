#include "core/ops/registry.h"

#include "core/ops/abs.h"
#include "core/ops/add.h"
#include "core/ops/average_pool.h"
#include "core/ops/batch_normalization.h"
#include "core/ops/clip.h"
#include "core/ops/concat.h"
#include "core/ops/constant.h"
#include "core/ops/conv.h"
#include "core/ops/div.h"
#include "core/ops/exp.h"
#include "core/ops/expand.h"
#include "core/ops/flatten.h"
#include "core/ops/gather.h"
#include "core/ops/gemm.h"
#include "core/ops/global_average_pool.h"
#include "core/ops/global_max_pool.h"
#include "core/ops/graph_io.h"
#include "core/ops/hard_sigmoid.h"
#include "core/ops/hard_swish.h"
#include "core/ops/identity.h"
#include "core/ops/leaky_relu.h"
#include "core/ops/log.h"
#include "core/ops/matmul.h"
#include "core/ops/max.h"
#include "core/ops/max_pool.h"
#include "core/ops/mean.h"
#include "core/ops/min.h"
#include "core/ops/mul.h"
#include "core/ops/neg.h"
#include "core/ops/pow.h"
#include "core/ops/reciprocal.h"
#include "core/ops/reduce_max.h"
#include "core/ops/reduce_mean.h"
#include "core/ops/relu.h"
#include "core/ops/reshape.h"
#include "core/ops/resize.h"
#include "core/ops/shape.h"
#include "core/ops/sigmoid.h"
#include "core/ops/silu.h"
#include "core/ops/slice.h"
#include "core/ops/softmax.h"
#include "core/ops/split.h"
#include "core/ops/sqrt.h"
#include "core/ops/squeeze.h"
#include "core/ops/sub.h"
#include "core/ops/sum.h"
#include "core/ops/tanh.h"
#include "core/ops/transpose.h"
#include "core/ops/unsqueeze.h"
#include "core/ops/upsample.h"

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
      &tanhOp(),
      &reluOp(),
      &leakyReluOp(),
      &hardSigmoidOp(),
      &hardSwishOp(),
      &clipOp(),
      // Convolution
      &convOp(),
      // Pooling
      &maxPoolOp(),
      &averagePoolOp(),
      &globalMaxPoolOp(),
      &globalAveragePoolOp(),
      // Normalization
      &batchNormalizationOp(),
      // Arithmetic
      &addOp(),
      &subOp(),
      &mulOp(),
      &sumOp(),
      &meanOp(),
      &divOp(),
      &powOp(),
      &maxOp(),
      &minOp(),
      &negOp(),
      &expOp(),
      &logOp(),
      &sqrtOp(),
      &absOp(),
      &reciprocalOp(),
      // Linear
      &matmulOp(),
      &gemmOp(),
      // Reduction
      &reduceMeanOp(),
      &reduceMaxOp(),
      // Tensor
      &identityOp(),
      &shapeOp(),
      &gatherOp(),
      &concatOp(),
      &constantOp(),
      &reshapeOp(),
      &flattenOp(),
      &transposeOp(),
      &squeezeOp(),
      &unsqueezeOp(),
      &expandOp(),
      &sliceOp(),
      &splitOp(),
      // Sampling
      &resizeOp(),
      &upsampleOp(),
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
