#pragma once
// Blocks as ONNX model-local functions (ExportOptions::functions, core/onnx/export.h): the
// domain of those functions, and the export step that builds them.
#include <onnx/onnx_pb.h>

#include <vector>

#include "core/graph/graph.h"

namespace nc {

// Domain of the model-local functions that blocks are exported as.
inline constexpr const char* kBlockFunctionDomain = "netcanvas.blocks";

// Rewrites `model`, a flat export of `g`, so that every block of the graph becomes a call of a
// model-local function (see ExportOptions::functions). `origins` gives, for each node of the
// model's graph, the graph node it came from (kNoNode: a node added for an output). Throws
// nc::Error for a block that is not a closed unit. A graph without blocks is left unchanged.
void buildFunctions(const Graph& g, onnx::ModelProto& model, const std::vector<NodeId>& origins, int opset);

}  // namespace nc
