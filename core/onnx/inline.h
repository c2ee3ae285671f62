#pragma once
// Internal to core/onnx: the inliner. Replaces every call of a model-local function by the
// function's nodes, recursively, giving the flat node list that import builds its graph from and
// that validation checks. With a graph, each call also becomes a Block named after the call node,
// holding the function's nodes (nested calls: nested blocks), with the call node's attributes as
// params (except those passed down to nested calls, see ExportOptions::functions).
// Recursive functions, too deep nesting and undefined values are refused.
#include <onnx/onnx_pb.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/graph/graph.h"

namespace nc {

// A node of the flat graph: an ONNX node with value names made global, its full name, and the
// block of the function call that produced it.
struct FlatNode {
  onnx::NodeProto proto;
  BlockId block = kNoBlock;
};

class Inliner {
 public:
  // The block type of a function's calls, given the function's name; "" is a plain group.
  using BlockTypeOf = std::function<std::string(const std::string& functionName)>;

  // Blocks go into `g`, typed by `blockTypeOf` (none: plain groups); without a graph
  // (validation) only the nodes are produced.
  Inliner(const onnx::ModelProto& m, Graph* g, BlockTypeOf blockTypeOf = {});
  // Whether the model defines a function in `domain`.
  bool hasDomain(const std::string& domain) const;
  // The nodes of `gp` with every function call inlined, in order.
  std::vector<FlatNode> run(const onnx::GraphProto& gp);

 private:
  const onnx::FunctionProto* find(const onnx::NodeProto& np) const;
  // Inlines one call; `call` already uses flat value names and its full node name.
  void inlineCall(const onnx::NodeProto& call, const onnx::FunctionProto& f, BlockId parent,
                  std::vector<FlatNode>& out);
  // Refuses recursion, too deep nesting and a call with more inputs or outputs than `f` has.
  void checkCall(const onnx::NodeProto& call, const onnx::FunctionProto& f, const std::string& what,
                 const std::string& fname) const;
  // The block of one call (kNoBlock without a graph) and its full name, the prefix of its nodes.
  std::pair<BlockId, std::string> openBlock(const onnx::NodeProto& call, const onnx::FunctionProto& f,
                                            BlockId parent);

  Graph* g_;
  BlockTypeOf blockTypeOf_;
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto*> functions_;
  std::vector<std::string> stack_;
  size_t counter_ = 0;
};

// The model with every function call replaced by the function's nodes, its functions and their
// opset imports dropped (validation of the flat form: libonnx 1.12 infers shapes through
// model-local functions but drops errors inside them).
onnx::ModelProto inlinedModel(const onnx::ModelProto& m);

}  // namespace nc
