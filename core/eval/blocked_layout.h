#pragma once
// oneDNN's blocked activation layout for inference (EvalOptions::inference). A rank-4 float
// activation N x C x H x W whose C is a multiple of kChannelBlock can be stored as nChw16c:
// [N][C/16][H][W][16], the layout in which oneDNN's AVX-512 convolutions and pools run fastest
// (with plain NCHW, oneDNN 2.6 picks channels-last kernels and every Conv pays two reorders).
// Such a tensor keeps its logical shape (N, C, H, W) and element count (no padding, since C is a
// block multiple); only the evaluator knows it is blocked. Activations stay blocked across
// chains of ops that can work on them and are reordered to plain where an op that cannot
// consumes them, at graph outputs and when someone asks for a preview (the idea of ONNX
// Runtime's NCHWc transformer, done at run time by the evaluator instead of as a graph rewrite).
#include <optional>
#include <span>
#include <vector>

#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/ops/util/blocked_kernel.h"
#include "core/tensor/tensor.h"

namespace nc {

// Rank-4 float32 shape with a channel count that is a positive multiple of kChannelBlock.
bool blockable(const Tensor& t);

// Reorders between plain NCHW and nChw16c (oneDNN reorder; the shape stays N x C x H x W).
Tensor toBlocked(const Tensor& plain);
Tensor toPlain(const Tensor& blocked);

// Runs node `n` (kernel `k`) on inputs of which some are blocked, as its op's spec declares
// (OpSpec::blocked): a BlockedKernel, or an op whose kernel gives the right numbers on a view of
// the blocked data: pointwise ops (all tensor inputs of one shape, all blocked), Concat and
// Split along channels (channel counts block multiples: the same copy on an N x C/16 x HW*16 x 1
// view), nearest Resize/Upsample of H and W (the same resize on an N x C/16 x H x W x 16 view).
// nullopt: not possible; the caller converts blocked inputs to plain and calls k.compute().
std::optional<std::vector<Tensor>> computeBlockedNode(const Node& n, const Kernel& k, std::span<const Tensor> in,
                                                      const std::vector<bool>& inBlocked,
                                                      std::vector<bool>& outBlocked);

}  // namespace nc
