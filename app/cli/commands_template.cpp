// template and the hidden make-bench-model: generated graphs written as a project or ONNX model.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>

#include "app/cli/commands.h"
#include "core/blocks/yolo11.h"
#include "core/onnx/export.h"
#include "core/project/project.h"
#include "core/tensor/init.h"

namespace nc::cli {

namespace {

struct GenerateArgs {
  std::string name, out;
};

// A generated graph to OUT: an ONNX model (.onnx) or a project.
void writeGraph(const Graph& g, const std::string& out) {
  if (isOnnxPath(out))
    exportModel(g, out);
  else
    saveProject(g, out);
}

int runTemplate(const GenerateArgs& a) {
  Graph g = yolo::buildYolo11();  // the one template, yolo11n
  writeGraph(g, a.out);
  std::cout << "wrote " << a.out << " (" << a.name << ", " << g.size() << " nodes, "
            << g.blocks().size() << " blocks)\n";
  return 0;
}

// ---------------------------------------------------------------- benchmark models

Tensor scaledNormal(Shape s, uint64_t seed, float scale) {
  Tensor t = randomNormal(s, seed);
  for (float& v : t.floats()) v *= scale;
  return t;
}

// n values uniform in [lo, hi) (the normal CDF of seeded normals).
Tensor uniformValues(int64_t n, float lo, float hi, uint64_t seed) {
  Tensor t = randomNormal({n}, seed);
  for (float& v : t.floats())
    v = lo + (hi - lo) * float(0.5 * (1.0 + std::erf(v / std::sqrt(2.0))));
  return t;
}

// Input x [1, cin, hw, hw] -> 3x3 Conv (pads 1) to cout channels; returns the Conv.
NodeId addInputConv(Graph& g, int64_t cin, int64_t cout, int64_t hw) {
  NodeId x = g.addNode("Input", "x");
  g.setAttr(x, "shape", Shape{1, cin, hw, hw});
  g.setAttr(x, "seed", int64_t(1));
  NodeId c = g.addNode("Conv", "conv");
  g.setAttr(c, "kernel_shape", std::vector<int64_t>{3, 3});
  g.setAttr(c, "pads", std::vector<int64_t>{1, 1, 1, 1});
  g.setConstant(c, 1, scaledNormal({cout, cin, 3, 3}, 2, float(std::sqrt(2.0 / double(cin * 9)))));
  g.setConstant(c, 2, scaledNormal({cout}, 3, 0.1f));
  g.connect({x, 0}, {c, 0});
  g.setPosition(x, 0, 0);
  g.setPosition(c, 200, 0);
  return c;
}

// BatchNormalization (512 channels, non-trivial statistics) -> SiLU -> Output after `from`.
void addBnSiluOutput(Graph& g, NodeId from, double x0) {
  NodeId bn = g.addNode("BatchNormalization", "bn");
  g.setConstant(bn, 1, uniformValues(512, 0.8f, 1.2f, 4));
  g.setConstant(bn, 2, uniformValues(512, -0.1f, 0.1f, 5));
  g.setConstant(bn, 3, uniformValues(512, -0.5f, 0.5f, 6));
  g.setConstant(bn, 4, uniformValues(512, 0.5f, 2.0f, 7));
  NodeId act = g.addNode("SiLU", "act");
  NodeId o = g.addNode("Output", "y");
  g.connect({from, 0}, {bn, 0});
  g.connect({bn, 0}, {act, 0});
  g.connect({act, 0}, {o, 0});
  g.setPosition(bn, x0, 0);
  g.setPosition(act, x0 + 200, 0);
  g.setPosition(o, x0 + 400, 0);
}

// The models of tools/bench.sh; `name` is one of kBenchModels.
Graph buildBenchModel(const std::string& name) {
  Graph g;
  if (name == "c3k2") {
    addBnSiluOutput(g, addInputConv(g, 256, 512, 20), 400);
  } else if (name == "conv64") {
    NodeId c = addInputConv(g, 64, 64, 160);
    NodeId o = g.addNode("Output", "y");
    g.connect({c, 0}, {o, 0});
    g.setPosition(o, 400, 0);
  } else if (name == "bnsilu") {
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 512, 20, 20});
    g.setAttr(x, "seed", int64_t(1));
    addBnSiluOutput(g, x, 200);
  } else {
    g = yolo::buildYolo11();
  }
  return g;
}

const std::vector<std::string> kBenchModels = {"c3k2", "conv64", "bnsilu", "yolo11n"};

int runMakeBenchModel(const GenerateArgs& a) {
  writeGraph(buildBenchModel(a.name), a.out);
  std::cout << "wrote " << a.out << "\n";
  return 0;
}

}  // namespace

Command addTemplateCommand(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand("template", "Write a bundled template as a project or model");
  sub->add_option("NAME", a->name, "the template: yolo11n")
      ->required()
      ->type_name("")
      ->check(oneOf("template", {"yolo11n"}));
  sub->add_option("-o", a->out, "the project (.ncproj) or ONNX model (.onnx) to write")
      ->required()
      ->type_name("OUT");
  sub->footer(
      "yolo11n: 1x3x640x640 -> 1x84x8400, its 24 Ultralytics modules as collapsed blocks, seeded\n"
      "weights.");
  return {sub, [a] { return runTemplate(*a); }};
}

// Hidden (no help group): writes the benchmark models of tools/bench.sh.
Command addMakeBenchModelCommand(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand("make-bench-model", "Write a model of tools/bench.sh");
  sub->group("");
  sub->add_option("NAME", a->name, "the model: c3k2, conv64, bnsilu or yolo11n")
      ->required()
      ->type_name("")
      ->check(oneOf("benchmark model", kBenchModels));
  sub->add_option("-o", a->out, "the project (.ncproj) or ONNX model (.onnx) to write")
      ->required()
      ->type_name("OUT");
  return {sub, [a] { return runMakeBenchModel(*a); }};
}

}  // namespace nc::cli
