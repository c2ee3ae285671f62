#include "core/ops/registry.h"

#include "core/ops/average_pool.h"
#include "core/ops/batch_normalization.h"
#include "core/ops/conv.h"
#include "core/ops/global_average_pool.h"
#include "core/ops/global_max_pool.h"
#include "core/ops/gather.h"
#include "core/ops/graph_io.h"
#include "core/ops/identity.h"
#include "core/ops/max_pool.h"
#include "core/ops/mul.h"
#include "core/ops/shape.h"
#include "core/ops/sigmoid.h"
#include "core/ops/silu.h"

namespace nc {

const std::vector<const OpSpec*>& allOps() {
  static const std::vector<const OpSpec*> ops = {
      // Graph structure
      &inputOp(),
      &outputOp(),
      // Activations
      &sigmoidOp(),
      &siluOp(),
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
      &mulOp(),
      // Tensor
      &identityOp(),
      &shapeOp(),
      &gatherOp(),
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
