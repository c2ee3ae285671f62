#pragma once
// ONNX export and import. Export is validated before anything is written (the ONNX checker and
// strict shape inference) and written atomically. Import turns any model whose ops we support
// into an editable graph; anything else is refused with a message naming the node and op.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/tensor/tensor.h"

namespace nc {

// Domain of the model-local functions that blocks are exported as.
inline constexpr const char* kBlockFunctionDomain = "netcanvas.blocks";

struct ExportOptions {
  int opset = 17;  // 17 (default) or 18
  std::string graphName = "netcanvas";
  // false (default): flat, every block inlined (the widest runtime support).
  // true: every composite block becomes an ONNX model-local function (domain
  // kBlockFunctionDomain), nested blocks calling their children's functions. Weights stay graph
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

struct FunctionInfo {
  std::string domain, name;
  int nodes = 0;  // nodes of its body (a call of another function counts as one)
  int calls = 0;  // call sites in the graph and in other functions
};

struct ValidationReport {
  bool checkerRun = false;         // the ONNX checker ran (libonnx knows opsets up to 17)
  bool shapeInferenceRun = false;  // strict ONNX shape inference ran
  std::vector<std::string> notes;  // what was skipped and why
  std::vector<FunctionInfo> functions;  // the model-local functions, in model order
};

// Builds the model, validates it, returns its serialized bytes. Throws nc::Error naming the
// problem (an invalid graph, a checker or shape-inference failure).
std::string exportModelBytes(const Graph& g, const ExportOptions& opt = {}, ValidationReport* report = nullptr);
// exportModelBytes, then an atomic write (temp file + rename) to `path`.
void exportModel(const Graph& g, const std::string& path, const ExportOptions& opt = {},
                 ValidationReport* report = nullptr);

// Runs the ONNX checker and strict shape inference on serialized model bytes; throws on failure.
ValidationReport validateModelBytes(const std::string& bytes);

// Import inlines model-local functions into the flat graph: each call becomes a Block named after
// the call node, holding the function's nodes (nested calls: nested blocks) and the call node's
// attributes as params (except those passed down to nested calls). Recursive functions and
// undefined values are refused. Import gives the model as it is written (a Sigmoid -> Mul stays
// two nodes, PyTorch's scoped node names are not grouped): recognising SiLU and blocks is a pass
// of its own (core/blocks/recognize.h), which the editor and the CLI run.
struct ImportOptions {
  // The block type of a function's calls, given the function's name ("C3k2_2"); "" (or no
  // lookup, the default) makes them plain groups. core/blocks/recognize.h has the block library's.
  std::function<std::string(const std::string& functionName)> blockTypeOf;
};

Graph importModelBytes(const std::string& bytes, const ImportOptions& opt = {});
Graph importModel(const std::string& path, const ImportOptions& opt = {});

// TensorProto files (the layout of the ONNX backend test data: input_0.pb, output_0.pb, ...).
Tensor readTensorFile(const std::string& path);
void writeTensorFile(const std::string& path, const Tensor& t, const std::string& name = {});
Tensor tensorFromProtoBytes(const std::string& bytes);
std::string tensorToProtoBytes(const Tensor& t, const std::string& name = {});

// File helpers shared by every writer: whole-file read, atomic write.
std::string readFileBytes(const std::string& path);
void writeFileAtomic(const std::string& path, const std::string& bytes);

}  // namespace nc
