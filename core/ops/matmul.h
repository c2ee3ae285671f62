#pragma once
#include <memory>

#include "core/ops/op.h"

namespace nc {

// MatMul: NumPy matmul semantics (N-D batched with broadcasting, 1-D promotion).
const OpSpec& matmulOp();

// The dimensions of one matmul: out = batch x [M if A was not 1-D] x [N if B was not 1-D].
struct MatmulDims {
  Shape aBatch, bBatch, batch;  // batch dims of A and B (may be shorter), broadcast batch
  int64_t m = 0, k = 0, n = 0;
  Shape out;
};
// Shapes may hold -1 (unknown). Throws ShapeError naming both shapes on a mismatch.
MatmulDims matmulDims(const Shape& a, const Shape& b);

// A cache of oneDNN matmul primitives keyed by the operand layouts (dims + strides), for use
// from const kernels. Operands: src [batch..., M, K], weights [batch..., K, N], dst
// [batch..., M, N], each given by dims and element strides; batch dims of src/weights may be 1
// (broadcast). All three must have the same rank (2..12).
class DnnlMatmulCache {
 public:
  DnnlMatmulCache();
  ~DnnlMatmulCache();
  void run(const Shape& aDims, const Shape& aStrides, const float* a, const Shape& bDims,
           const Shape& bStrides, const float* b, const Shape& cDims, float* c) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nc
