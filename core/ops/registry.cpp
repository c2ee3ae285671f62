#include "core/ops/registry.h"

#include "core/ops/batch_normalization.h"
#include "core/ops/constant.h"
#include "core/ops/graph_io.h"
#include "core/ops/identity.h"
#include "core/ops/mul.h"
#include "core/ops/resize.h"
#include "core/ops/sigmoid.h"
#include "core/ops/silu.h"
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
      // Normalization
      &batchNormalizationOp(),
      // Arithmetic
      &mulOp(),
      // Tensor
      &identityOp(),
      &constantOp(),
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
