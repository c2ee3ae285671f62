#pragma once
// Block recognition for imported models: PyTorch's ONNX exporter names every node by the module
// scope that emitted it ("/model.2/m.0/cv1/conv/Conv"). recognizeBlocks groups nodes by scope into
// nested Blocks named by module path, as the YOLO11 builder names them ("model.2", "model.2.m.0",
// "model.2.m.0.cv1"), and gives a block a library type and parameters (core/blocks/library.h)
// where the pattern is exact.
//
// Exactness is checked, not assumed: the candidate type is rebuilt with nc::yolo::Builder from
// inputs of the block's input shapes, and its computation (every data-dependent float value: op,
// output shape, and for convolutions weight shape, strides, pads, dilations, group) must equal the
// block's, modulo what the exporter rewrites: BatchNormalization folded into the Conv's bias,
// SiLU written as Sigmoid -> Mul (read back as SiLU by recognizeSilu, which recognizeImported runs
// first), chunk() written as Slices fed by Shape/Gather/Div arithmetic (int64 values, ignored), and
// constant subgraphs (anchors, Reshape targets) that carry no data. Each value is compared with the ops and shapes of its data inputs,
// so the same ops wired differently do not match. Inputs must have static 4-D shapes with batch 1
// (as exported for inference). A scope that does not match stays a plain block (type "").
//
// Scoping rules: a scope with sub-scopes becomes a block; a leaf scope (a torch.nn leaf such as
// Conv2d, SiLU, MaxPool) lends its nodes to its enclosing block. A Sequential or ModuleList that
// holds only its numbered children (C3k's "m", PSABlock's "ffn") is not a block of its own. If the
// whole model (the root scope) is one library block, the import is that one block (named after its
// type, e.g. "c3k2"); otherwise every top-level scope is a block (model.0 ... model.23). Nodes
// without a scope stay top level, except unnamed constants whose consumers all lie in one block.
// Blocks are collapsed. Nothing about the computation changes.
#include <string>

#include "core/graph/graph.h"

namespace nc::blocks {

struct RecognizeReport {
  int blocks = 0;  // blocks created
  int typed = 0;   // of which recognised as a library type
};

// Groups and types the nodes of a freshly imported graph (see above). Graphs without scoped node
// names, and graphs that already have blocks (imported from ONNX functions), are left unchanged.
// Never throws for a model that does not match: it stays ungrouped or
// plain-grouped.
RecognizeReport recognizeBlocks(Graph& g);

// ------------------------------------------------------------------ the pass after import
// Import (core/onnx/import.h) gives a model as it is written. The editor and the CLI open a model
// with its blocks: function calls typed by the block library, then recognizeImported.

struct RecognizeOptions {
  bool silu = true;    // Sigmoid -> Mul on the same input becomes one SiLU node (core/blocks/silu.h)
  bool blocks = true;  // recognizeBlocks
};

// The SiLU rewrite, then recognizeBlocks (whose report it returns; none: zeros).
RecognizeReport recognizeImported(Graph& g, const RecognizeOptions& opt = {});

// The block library type of a model-local function's calls (ImportOptions::blockTypeOf): the
// function's name without our "_<n>" disambiguator ("C3k2_2": "C3k2") when that names a library
// type (core/blocks/library.h), whatever the domain (PyTorch names a module's function after its
// class); otherwise "" (a plain group).
std::string libraryBlockTypeOf(const std::string& functionName);

// Import with libraryBlockTypeOf, then recognizeImported. Errors name the path (openModel).
Graph openModelBytes(const std::string& bytes, const RecognizeOptions& opt = {});
Graph openModel(const std::string& path, const RecognizeOptions& opt = {});

}  // namespace nc::blocks
