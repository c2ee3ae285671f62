#pragma once
// Graph rewrites for inference: BatchNormalization folded into the preceding Conv's weights and
// bias (what ONNX Runtime and PyTorch's exporter do), activations and residual Adds fused into
// the Conv before them (oneDNN post-ops). Used by `netcanvas-cli run/bench` and by export when
// folding is asked for; the editor keeps every node so that each shows its tensor. Export writes
// every fused Conv back as the nodes it replaced.
#include "core/graph/graph.h"

namespace nc {

struct FoldReport {
  int foldedBatchNorms = 0;
  int fusedActivations = 0;  // including those after a fused residual Add
  int fusedResidualAdds = 0;
};

// Returns a copy of g in which every BatchNormalization (inference mode, all four statistics
// node-owned constants) whose input is a Conv with a constant W (and optional constant B) used
// by nothing else is folded into that Conv: W' = W * a, B' = (B - mean) * a + beta with
// a = scale / sqrt(var + epsilon), per output channel. Everything else is kept as it is.
Graph foldBatchNorms(const Graph& g, FoldReport* report = nullptr);

// Returns a copy of g in which an activation (Relu, Sigmoid, SiLU, LeakyRelu, HardSigmoid,
// HardSwish, or Clip with static bounds min <= max) that is the only consumer of a Conv's output
// is fused into that Conv (its internal "activation" attributes, with the op's parameters).
Graph fuseConvActivations(const Graph& g, FoldReport* report = nullptr);

// Returns a copy of g in which an Add of a Conv's output and another value of the same, fully
// known shape (a residual connection) is fused into that Conv when the Add is the Conv's only
// consumer: the other value becomes the Conv's extra input 3 (oneDNN's sum post-op, after the
// Conv's own fused activation), and an activation that is the Add's only consumer is fused as
// the Conv's "residual_activation". Inference only: the editor shows every node.
Graph fuseResidualAdds(const Graph& g, FoldReport* report = nullptr);

// All three rewrites, as used for inference by `netcanvas-cli run --optimize` and `bench`.
Graph optimizeForInference(const Graph& g, FoldReport* report = nullptr);

}  // namespace nc
