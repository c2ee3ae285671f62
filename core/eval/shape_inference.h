#pragma once
// Shape inference over a whole (possibly half-built) graph. Unconnected inputs and unknown dims
// give "unknown", never an error; real errors are values naming node, input and shapes.
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/ops/op.h"

namespace nc {

struct Diagnostic {
  NodeId node = kNoNode;
  int input = -1;  // offending input port, -1 if none in particular
  std::string message;
};

struct ShapeInfo {
  std::map<PortRef, TensorType> types;     // output port -> inferred type
  std::map<PortRef, Tensor> values;        // statically known values (Constant outputs)
  std::vector<Diagnostic> diagnostics;     // at most one per node

  const TensorType* type(PortRef p) const;
  const Diagnostic* diagnosticFor(NodeId n) const;
  // Type seen by an input port of a node (from connection or constant); nullopt if unbound.
  std::optional<TensorType> inputType(const Graph& g, PortRef input) const;
};

ShapeInfo inferShapes(const Graph& g);

}  // namespace nc
