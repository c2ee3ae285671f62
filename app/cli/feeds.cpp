#include "app/cli/feeds.h"

#include <filesystem>

#include "app/cli/printing.h"
#include "core/base/error.h"
#include "core/eval/shape_inference.h"
#include "core/blocks/recognize.h"
#include "core/onnx/tensor_proto.h"
#include "core/ops/registry.h"
#include "core/project/project.h"

namespace fs = std::filesystem;

namespace nc::cli {

namespace {

void checkFeed(const Graph& g, NodeId id, const Tensor& t, const std::string& source) {
  const Node& n = g.node(id);
  AttrReader a(*findOp("Input"), nodeInfo(n));
  Shape declared = a.ints("shape");
  std::string dtype = a.s("dtype");
  bool ok = t.rank() == int(declared.size()) && dtype == dtypeName(t.dtype());
  for (size_t i = 0; ok && i < declared.size(); ++i)
    ok = declared[i] < 0 || declared[i] == t.shape()[i];
  if (!ok)
    throw Error(source + ": input '" + n.name + "' expects " + dtype + shapeToString(declared) +
                ", got " + tensorString(t));
}

void feedDataDir(const Graph& g, const std::string& dir, Feeds& f) {
  if (!fs::is_directory(dir)) throw Error("data directory '" + dir + "' does not exist");
  for (size_t i = 0;; ++i) {
    fs::path p = fs::path(dir) / ("input_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    if (i >= f.inputs.size())
      throw Error(p.string() + ": the model has only " + std::to_string(f.inputs.size()) +
                  " inputs");
    Tensor t = readTensorFile(p.string());
    checkFeed(g, f.inputs[i], t, p.string());
    f.byName[g.node(f.inputs[i]).name] = t;
  }
}

void feedNamedFile(const Graph& g, const std::string& spec, Feeds& f) {
  auto eq = spec.find('=');
  std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
  const Node* n = g.findByName(name);
  if (!n || n->op != "Input") {
    std::string names;
    for (NodeId id : f.inputs) names += (names.empty() ? "" : ", ") + g.node(id).name;
    throw Error("--input " + name + ": the model has no input named '" + name +
                "' (inputs: " + names + ")");
  }
  Tensor t = readTensorFile(file);
  checkFeed(g, n->id, t, file);
  f.byName[name] = t;
}

}  // namespace

Feeds gatherFeeds(const Graph& g, const FeedSources& sources) {
  Feeds f;
  f.inputs = g.inputNodes();
  if (sources.dataDir) feedDataDir(g, *sources.dataDir, f);
  for (const std::string& spec : sources.namedFiles) feedNamedFile(g, spec, f);
  return f;
}

Graph loadRunnable(const std::string& path) {
  Graph g = isOnnxPath(path) ? blocks::openModel(path) : loadProject(path);
  if (g.outputNodes().empty()) throw Error(path + ": the graph has no Output node");
  ShapeInfo info = inferShapes(g);
  if (!info.diagnostics.empty()) throw Error(path + ": " + info.diagnostics.front().message);
  return g;
}

std::vector<Tensor> evaluateOnce(Evaluator& ev, const Graph& g, const EvalOptions& options) {
  EvalReport r = ev.run(g, options);
  if (!r.errors.empty()) throw Error(r.errors.front().message);
  std::vector<Tensor> outs = ev.graphOutputs(g);
  std::vector<NodeId> outNodes = g.outputNodes();
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].empty())
      throw Error("output '" + g.node(outNodes[i]).name + "' was not computed (is it connected?)");
  return outs;
}

}  // namespace nc::cli
