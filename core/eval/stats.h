#pragma once
// Per-node and per-graph cost figures shown on the canvas and in the status bar.
//   params: elements of the node's own constants (weights, biases, BatchNorm statistics).
//   MACs:   multiply-accumulates of one evaluation, from the inferred shapes:
//           Conv  N*outC*outSpatial*(inC/group)*kernel  (= output elements * W elements / outC)
//           MatMul/Gemm output elements * K; pooling output elements * kernel size;
//           everything else (BatchNorm, activations, elementwise) output elements.
// Unknown when a needed shape is unknown. Qt-free.
#include <cstdint>
#include <string>

#include "core/graph/graph.h"
#include "core/eval/shape_inference.h"

namespace nc {

struct NodeStats {
  int64_t params = 0;
  int64_t buffers = 0;
  int64_t macs = 0;
  bool macsKnown = false;
};

struct GraphStats {
  int64_t nodes = 0;
  int64_t params = 0;
  int64_t buffers = 0;
  int64_t macs = 0;
  bool macsComplete = true;  // every compute node had known MACs
};

NodeStats nodeStats(const Graph& g, NodeId id, const ShapeInfo& shapes);
GraphStats graphStats(const Graph& g, const ShapeInfo& shapes);
// 1234 -> "1.23K", 2500000 -> "2.50M", 3e9 -> "3.00G".
std::string formatCount(int64_t v);

}  // namespace nc
