#pragma once
// ONNX import: any model whose ops we support becomes an editable graph; anything else is refused
// with a message naming the node and op. Import gives the model as it is written (a Sigmoid ->
// Mul stays two nodes, PyTorch's scoped node names are not grouped): recognising SiLU and blocks
// is a pass of its own (core/blocks/recognize.h), which the editor and the CLI run.
#include <functional>
#include <string>

#include "core/graph/graph.h"

namespace nc {

// Import inlines model-local functions into the flat graph: each call becomes a Block named after
// the call node, holding the function's nodes (nested calls: nested blocks) and the call node's
// attributes as params (except those passed down to nested calls). Recursive functions and
// undefined values are refused.
struct ImportOptions {
  // The block type of a function's calls, given the function's name ("C3k2_2"); "" (or no
  // lookup, the default) makes them plain groups. core/blocks/recognize.h has the block library's.
  std::function<std::string(const std::string& functionName)> blockTypeOf;
};

Graph importModelBytes(const std::string& bytes, const ImportOptions& opt = {});
// importModelBytes of the file's bytes; errors name the path.
Graph importModel(const std::string& path, const ImportOptions& opt = {});

}  // namespace nc
