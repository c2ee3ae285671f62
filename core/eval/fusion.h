#pragma once
// Graph rewrites for inference: BatchNormalization folded into the preceding Conv's weights and
// bias (what ONNX Runtime and PyTorch's exporter do). Used by `netcanvas-cli run/bench` and by
// export when folding is asked for; the editor keeps every node so that each shows its tensor.
#include "core/graph/graph.h"

namespace nc {

struct FoldReport {
  int foldedBatchNorms = 0;
  int fusedActivations = 0;
};

// Returns a copy of g in which every BatchNormalization (inference mode, all four statistics
// node-owned constants) whose input is a Conv with a constant W (and optional constant B) used
// by nothing else is folded into that Conv: W' = W * a, B' = (B - mean) * a + beta with
// a = scale / sqrt(var + epsilon), per output channel. Everything else is kept as it is.
Graph foldBatchNorms(const Graph& g, FoldReport* report = nullptr);

// Returns a copy of g in which a Relu, Sigmoid or SiLU that is the only consumer of a Conv's
// output is fused into that Conv (its internal "activation" attribute: a oneDNN post-op in the
// fast kernel). Export writes such a Conv back as Conv followed by the activation.
Graph fuseConvActivations(const Graph& g, FoldReport* report = nullptr);

// Both rewrites, as used for inference by `netcanvas-cli run --optimize` and `bench`.
Graph optimizeForInference(const Graph& g, FoldReport* report = nullptr);

}  // namespace nc
