#pragma once
// Loading a graph to evaluate, the input tensors it is fed (run and bench), and one evaluation.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/evaluator.h"
#include "core/graph/graph.h"
#include "core/tensor/tensor.h"

namespace nc::cli {

struct Feeds {
  std::vector<NodeId> inputs;  // graph inputs in order
  std::map<std::string, Tensor> byName;
};

// Where the inputs come from: DIR/input_0.pb, input_1.pb, ... in graph-input order, then each
// NAME=FILE (already checked to have that form). Inputs without data keep the Input node's own.
struct FeedSources {
  std::optional<std::string> dataDir;
  std::vector<std::string> namedFiles;
};

// Reads and checks every fed tensor against its Input node's dtype and shape.
Feeds gatherFeeds(const Graph& g, const FeedSources& sources);
// Loads a project or ONNX model that has an Output node and whose shapes infer without error.
Graph loadRunnable(const std::string& path);
// Evaluates once; throws the first node error or names an output that was not computed.
std::vector<Tensor> evaluateOnce(Evaluator& ev, const Graph& g, const EvalOptions& options = {});

}  // namespace nc::cli
