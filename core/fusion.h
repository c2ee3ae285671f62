#pragma once
// Graph rewrites for inference: BatchNormalization folded into the preceding Conv's weights and
// bias (what ONNX Runtime and PyTorch's exporter do). Used by `netcanvas-cli run/bench` and by
// export when folding is asked for; the editor keeps every node so that each shows its tensor.
#include "core/graph.h"

namespace nc {

struct FoldReport {
  int foldedBatchNorms = 0;
};

// Returns a copy of g in which every BatchNormalization (inference mode, all four statistics
// node-owned constants) whose input is a Conv with a constant W (and optional constant B) used
// by nothing else is folded into that Conv: W' = W * a, B' = (B - mean) * a + beta with
// a = scale / sqrt(var + epsilon), per output channel. Everything else is kept as it is.
Graph foldBatchNorms(const Graph& g, FoldReport* report = nullptr);

}  // namespace nc
