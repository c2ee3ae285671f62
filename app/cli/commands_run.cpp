// run: evaluate a model or project once; write its outputs or print a summary of each.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/feeds.h"
#include "app/cli/printing.h"
#include "core/base/error.h"
#include "core/onnx/tensor_proto.h"

namespace fs = std::filesystem;

namespace nc::cli {

namespace {

struct RunArgs {
  std::string model;
  FeedSources feeds;
  std::optional<std::string> outDir;
};

void writeOutputs(const Graph& g, const std::vector<Tensor>& outs, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create output directory '" + dir + "': " + ec.message());
  std::vector<NodeId> outNodes = g.outputNodes();
  std::vector<std::string> written;
  for (size_t i = 0; i < outs.size(); ++i) {
    std::string p = (fs::path(dir) / ("output_" + std::to_string(i) + ".pb")).string();
    writeTensorFile(p, outs[i], g.node(outNodes[i]).name);
    written.push_back(p + " (" + g.node(outNodes[i]).name + ": " + tensorString(outs[i]) + ")");
  }
  for (auto& w : written) std::cout << "wrote " << w << "\n";
}

// "output 0 'y': float32[...]  min .. max .. mean ..", then its first values.
void printOutputSummary(size_t index, const std::string& name, const Tensor& t) {
  std::vector<float> v = t.toFloatVector();
  double sum = 0, mn = INFINITY, mx = -INFINITY;
  size_t nonFinite = 0;
  for (float x : v) {
    if (!std::isfinite(x)) {
      ++nonFinite;
      continue;
    }
    sum += x;
    mn = std::min(mn, double(x));
    mx = std::max(mx, double(x));
  }
  size_t finite = v.size() - nonFinite;
  std::cout << "output " << index << " '" << name << "': " << tensorString(t);
  if (finite) std::cout << "  min " << mn << "  max " << mx << "  mean " << sum / double(finite);
  if (nonFinite) std::cout << "  non-finite " << nonFinite;
  std::cout << "\n  first values:";
  for (size_t k = 0; k < std::min<size_t>(6, v.size()); ++k) std::cout << " " << v[k];
  std::cout << "\n";
}

int runRun(const RunArgs& a) {
  Graph g = loadRunnable(a.model);
  Feeds f = gatherFeeds(g, a.feeds);
  Evaluator ev;
  for (auto& [k, v] : f.byName) ev.setFeed(k, v);
  EvalOptions inference;  // only the graph outputs are needed: blocked layouts, freed intermediates
  inference.inference = true;
  std::vector<Tensor> outs = evaluateOnce(ev, g, inference);
  if (a.outDir) {
    writeOutputs(g, outs, *a.outDir);
    return 0;
  }
  std::vector<NodeId> outNodes = g.outputNodes();
  for (size_t i = 0; i < outs.size(); ++i) printOutputSummary(i, g.node(outNodes[i]).name, outs[i]);
  return 0;
}

}  // namespace

// --data DIR, shared with bench.
void addDataOption(CLI::App& sub, std::optional<std::string>& dir) {
  sub.add_option("--data", dir, "directory of input_0.pb, input_1.pb, ... in graph-input order")
      ->type_name("DIR");
}

Command addRunCommand(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Evaluate a model or project once");
  sub->add_option("MODEL", a->model, "the ONNX model (.onnx) or project (.ncproj) to evaluate")
      ->required()
      ->type_name("");
  addDataOption(*sub, a->feeds.dataDir);
  sub->add_option("--input", a->feeds.namedFiles, "feed one input by name (repeatable)")
      ->type_name("NAME=FILE")
      ->check(nameEqualsFile())
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--out", a->outDir, "write output_0.pb, output_1.pb, ... to DIR")
      ->type_name("DIR");
  sub->footer(
      "Inputs and outputs are ONNX TensorProto files (.pb), as in ONNX's backend test data.\n"
      "Inputs without data use the Input node's own data (its value, or random normal with its\n"
      "seed). Without --out, the shape and a summary of each output are printed.");
  return {sub, [a] { return runRun(*a); }};
}

}  // namespace nc::cli
