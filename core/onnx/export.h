#pragma once
// ONNX export. The model is validated before anything is written (the ONNX checker and strict
// shape inference, core/onnx/validate.h) and written atomically.
#include <string>

#include "core/graph/graph.h"
#include "core/onnx/validate.h"

namespace nc {

struct ExportOptions {
  int opset = 17;  // 17 (default) or 18
  std::string graphName = "netcanvas";
  // false (default): flat, every block inlined (the widest runtime support).
  // true: every composite block becomes an ONNX model-local function (domain
  // kBlockFunctionDomain, core/onnx/functions.h), nested blocks calling their children's functions. Weights stay graph
  // initializers passed in as function inputs, so blocks of one type with the same body (ops,
  // attributes, wiring, node names relative to the block) share one function, named after the
  // block type ("C3k2", then "C3k2_2", ...; a plain group: "Group_<name>"). The call node is named
  // after the block and carries the block's params as attributes (declared by the function,
  // unused by its body); the params of nested blocks are attributes of the outer call named
  // "<nested block>.<param>" ("cv1.c2"), which the body passes down by attribute reference.
  // Inside a function a node name is relative to the block ("cv1.conv" in block "model.2" is node
  // "model.2.cv1.conv"; "." is the node named like the block itself); any other name is written
  // as "/" followed by the full name. A block must be a closed unit: no path may leave it and
  // come back in.
  bool functions = false;
};

// Builds the model, validates it, returns its serialized bytes. Throws nc::Error naming the
// problem (an invalid graph, a checker or shape-inference failure).
std::string exportModelBytes(const Graph& g, const ExportOptions& opt = {}, ValidationReport* report = nullptr);
// exportModelBytes, then an atomic write (temp file + rename) to `path`.
void exportModel(const Graph& g, const std::string& path, const ExportOptions& opt = {},
                 ValidationReport* report = nullptr);

}  // namespace nc
