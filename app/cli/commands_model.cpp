// export and validate: a project or model to ONNX, and what an ONNX model holds.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>

#include "app/cli/commands.h"
#include "app/cli/printing.h"
#include "core/base/error.h"
#include "core/eval/fusion.h"
#include "core/eval/shape_inference.h"
#include "core/base/file_io.h"
#include "core/blocks/recognize.h"
#include "core/onnx/export.h"
#include "core/onnx/validate.h"
#include "core/project/project.h"

namespace nc::cli {

namespace {

struct ExportArgs {
  std::string in, out;
  int opset = ExportOptions{}.opset;
  bool foldBatchNorm = false;
  bool functions = false;
};

int runExport(const ExportArgs& a) {
  ExportOptions opt;
  opt.opset = a.opset;
  opt.functions = a.functions;
  Graph g = isOnnxPath(a.in) ? blocks::openModel(a.in) : loadProject(a.in);
  if (a.foldBatchNorm) {
    FoldReport folded;
    g = foldBatchNorms(g, &folded);
    std::cout << "folded " << folded.foldedBatchNorms
              << " BatchNormalization node(s) into their Conv\n";
  }
  ValidationReport report;
  exportModel(g, a.out, opt, &report);
  std::cout << "exported " << a.in << " -> " << a.out << " (opset " << opt.opset << ", " << g.size()
            << " nodes";
  if (opt.functions)
    std::cout << ", " << countNoun(g.blocks().size(), "block", "blocks") << " as functions";
  std::cout << ")\n";
  printReport(report);
  return 0;
}

// Imports an ONNX model after the checker and strict shape inference; errors name the file.
Graph importValidated(const std::string& path, ValidationReport& report, ShapeInfo& info) {
  std::string bytes = readFileBytes(path);
  Graph g;
  try {
    report = validateModelBytes(bytes);
    g = blocks::openModelBytes(bytes, {.silu = false});  // count the model's own ONNX ops
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  info = inferShapes(g);
  if (!info.diagnostics.empty()) throw Error(path + ": " + info.diagnostics.front().message);
  return g;
}

// Node count per op type, graph inputs and outputs aside.
std::map<std::string, int> opCounts(const Graph& g) {
  std::map<std::string, int> ops;
  for (NodeId id : g.nodeIds()) {
    const Node& n = g.node(id);
    if (n.op != "Input" && n.op != "Output") ++ops[n.op];
  }
  return ops;
}

// Elements of all constant inputs, each shared tensor counted once.
int64_t parameterCount(const Graph& g) {
  std::vector<Tensor> seen;
  int64_t params = 0;
  for (NodeId id : g.nodeIds())
    for (const InputBinding& b : g.node(id).inputs) {
      if (b.constant.empty()) continue;
      bool dup = std::any_of(seen.begin(), seen.end(),
                             [&](const Tensor& t) { return t.sharesStorageWith(b.constant); });
      if (dup) continue;
      seen.push_back(b.constant);
      params += b.constant.numel();
    }
  return params;
}

void printInputsAndOutputs(const Graph& g, const ShapeInfo& info) {
  std::cout << "inputs:\n";
  for (NodeId id : g.inputNodes())
    std::cout << "  " << g.node(id).name << ": " << typeString(info.type({id, 0})) << "\n";
  std::cout << "outputs:\n";
  for (NodeId id : g.outputNodes()) {
    const Node& o = g.node(id);
    const TensorType* t = o.inputs[0].source ? info.type(*o.inputs[0].source) : nullptr;
    std::cout << "  " << o.name << ": " << typeString(t) << "\n";
  }
}

int runValidate(const std::string& path) {
  ValidationReport report;
  ShapeInfo info;
  Graph g = importValidated(path, report, info);
  std::cout << path << ": valid\n";
  printReport(report);
  std::cout << "  NetCanvas import: ok (" << g.size() << " nodes";
  if (!g.blocks().empty()) std::cout << ", " << countNoun(g.blocks().size(), "block", "blocks");
  std::cout << ")\n";
  std::map<std::string, int> ops = opCounts(g);
  int total = 0;
  for (auto& [op, c] : ops) total += c;
  std::cout << "ops (" << total << "):\n";
  for (auto& [op, c] : ops) std::cout << "  " << op << ": " << c << "\n";
  printInputsAndOutputs(g, info);
  std::cout << "parameters: " << parameterCount(g) << "\n";
  return 0;
}

}  // namespace

Command addExportCommand(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* sub =
      app.add_subcommand("export", "Export a project or model to ONNX and validate the result");
  sub->add_option("PROJECT_OR_MODEL", a->in, "the project (.ncproj) or ONNX model to export")
      ->required()
      ->type_name("");
  sub->add_option("-o", a->out, "the ONNX model to write")->required()->type_name("OUT.onnx");
  sub->add_option("--opset", a->opset, "ONNX opset to export (17 or 18)")
      ->transform(integerIn(1, 1000))
      ->type_name("N")
      ->capture_default_str();
  sub->add_flag("--fold-batchnorm", a->foldBatchNorm,
                "fold each BatchNormalization into the Conv before it");
  sub->add_flag("--functions", a->functions,
                "write each block as an ONNX model-local function (default: flat)");
  sub->footer(
      "Prints the validation report: ONNX checker and strict shape inference. With --functions,\n"
      "blocks of the same structure share one function; without it every block is inlined.");
  return {sub, [a] { return runExport(*a); }};
}

Command addValidateCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "validate", "Check an ONNX model; list its functions, ops, inputs and outputs");
  sub->add_option("MODEL", *path, "the ONNX model (.onnx) to check")->required()->type_name("");
  sub->footer(
      "Runs the ONNX checker, strict shape inference and NetCanvas import; prints the\n"
      "model-local functions, op counts, blocks, inputs, outputs and the parameter count.");
  return {sub, [path] { return runValidate(*path); }};
}

}  // namespace nc::cli
