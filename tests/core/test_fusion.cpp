// BatchNorm folding, activation and residual-Add fusion: same numbers (1e-5 relative to the
// output scale) with fewer nodes, exported back as the original nodes (ONNX Runtime agrees), and
// nothing fused where it would change the meaning.
#include <QtTest>
#include <cmath>

#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/eval/fusion.h"
#include "core/blocks/recognize.h"
#include "core/onnx/export.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

namespace {
int count(const Graph& g, const std::string& op) {
  int n = 0;
  for (NodeId id : g.nodeIds()) n += g.node(id).op == op;
  return n;
}

// Adds node `op` after `from`, with the parameters the tests use for each activation.
// "ClipMin": a Clip with only its lower bound.
NodeId addActivation(Graph& g, const std::string& op, PortRef from) {
  const NodeId a = g.addNode(op == "ClipMin" ? "Clip" : op, op);
  if (op == "Clip") {  // ReLU6, as MobileNetV2 has it
    g.setConstant(a, 1, Tensor::scalar(0.0f));
    g.setConstant(a, 2, Tensor::scalar(6.0f));
  } else if (op == "ClipMin") {
    g.setConstant(a, 1, Tensor::scalar(-0.5f));
  } else if (op == "LeakyRelu") {
    g.setAttr(a, "alpha", 0.2f);
  } else if (op == "HardSigmoid") {
    g.setAttr(a, "alpha", 0.3f);
    g.setAttr(a, "beta", 0.4f);
  }
  g.connect(from, {a, 0});
  return a;
}

std::string opOf(const QString& act) { return act == "ClipMin" ? "Clip" : act.toStdString(); }

NodeId addConv(Graph& g, const std::string& name, PortRef from, int64_t in, int64_t out, uint64_t seed) {
  NodeId c = g.addNode("Conv", name);
  g.setAttr(c, "pads", std::vector<int64_t>{1, 1, 1, 1});
  g.setConstant(c, 1, randn({out, in, 3, 3}, seed));
  g.setConstant(c, 2, randn({out}, seed + 1));
  g.connect(from, {c, 0});
  return c;
}

// The fused graph against the original: fast and reference kernels, the inference mode (blocked
// layouts), ONNX Runtime on its export; the export re-imports as the original ops.
void checkFused(const Graph& g, const Graph& f, const std::map<std::string, Tensor>& feeds) {
  const Tensor y0 = evaluate(g, feeds, true)[0];
  const float scale = std::max(1.0f, maxAbs(y0));
  EvalOptions inference;
  inference.inference = true;
  for (const Tensor& y : {evaluate(f, feeds, false)[0], evaluate(f, feeds, true)[0], evaluate(f, feeds, inference)[0]})
    NC_CHECK(compareTensors(y, y0, {1e-5 * scale, 1e-5}));
  NC_CHECK(checkGraphWithOrt(f, feeds));
  const Graph back = blocks::openModelBytes(exportModelBytes(f));
  for (const std::string op : {"Conv", "Add", "Relu", "Clip", "SiLU", "Sigmoid", "LeakyRelu", "HardSigmoid", "HardSwish"})
    QCOMPARE(count(back, op), count(g, op));
}
}  // namespace

class TestFusion : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void convBnSiluFolds() {
    Graph g;
    yolo::Builder b(g, 5);
    yolo::Value x = b.input("x", 8, 9, 11);
    b.output("y", b.conv("c", b.conv("a", x, 16, 3, 2), 12, 1, 1));
    FoldReport r;
    Graph f = foldBatchNorms(g, &r);
    QCOMPARE(r.foldedBatchNorms, 2);
    QCOMPARE(count(f, "BatchNormalization"), 0);
    QCOMPARE(count(f, "Conv"), 2);
    Tensor in = randn({1, 8, 9, 11}, 3);
    Tensor y0 = evaluate(g, {{"x", in}})[0], y1 = evaluate(f, {{"x", in}})[0];
    NC_CHECK(compareTensors(y1, y0, {1e-5, 1e-5}));
    // The original graph is untouched.
    QCOMPARE(count(g, "BatchNormalization"), 2);
  }
  void sharedConvOutputIsNotFolded() {
    Graph g;
    yolo::Builder b(g, 5);
    yolo::Value x = b.input("x", 4, 6, 6);
    yolo::Value y = b.conv("c", x, 4, 3, 1);
    // A second consumer of the Conv's raw output: folding would change what it sees.
    NodeId conv = g.findByName("c.conv")->id;
    NodeId extra = g.addNode("Output", "raw");
    g.connect({conv, 0}, {extra, 0});
    b.output("y", y);
    FoldReport r;
    foldBatchNorms(g, &r);
    QCOMPARE(r.foldedBatchNorms, 0);
  }
  // Conv -> activation becomes one Conv with a fused activation (oneDNN post-ops) with the
  // op's parameters: same numbers through fast and reference kernels, exported back as Conv ->
  // activation (ONNX Runtime agrees), and an imported file never carries the internal attributes.
  void activationFuses_data() {
    QTest::addColumn<QString>("act");
    for (const char* act : {"SiLU", "Relu", "Sigmoid", "Clip", "ClipMin", "LeakyRelu", "HardSigmoid", "HardSwish"})
      QTest::newRow(act) << act;
  }
  void activationFuses() {
    QFETCH(QString, act);
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 5, 9, 7});
    NodeId c = addConv(g, "conv", {x, 0}, 5, 6, 4);
    NodeId a = addActivation(g, act.toStdString(), {c, 0});
    NodeId o = g.addNode("Output", "y");
    g.connect({a, 0}, {o, 0});
    FoldReport r;
    Graph f = optimizeForInference(g, &r);
    QCOMPARE(r.fusedActivations, 1);
    QCOMPARE(count(f, opOf(act)), 0);
    checkFused(g, f, {{"x", randn({1, 5, 9, 7}, 6)}});
  }
  // A Clip whose bounds are not static, or with min > max, stays a node.
  void clipWithDynamicBoundsStays() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 5, 9, 7});
    NodeId lo = g.addNode("Input", "lo");
    g.setAttr(lo, "shape", Shape{});
    NodeId c = addConv(g, "conv", {x, 0}, 5, 6, 4);
    NodeId a = addActivation(g, "Clip", {c, 0});
    g.connect({lo, 0}, {a, 1});
    NodeId o = g.addNode("Output", "y");
    g.connect({a, 0}, {o, 0});
    FoldReport r;
    QCOMPARE(count(optimizeForInference(g, &r), "Clip"), 1);
    QCOMPARE(r.fusedActivations, 0);
    g.disconnect({a, 1});
    g.setConstant(a, 1, Tensor::scalar(7.0f));  // min 7 > max 6: every value becomes 6
    QCOMPARE(count(optimizeForInference(g, &r), "Clip"), 1);
  }
  // Add(Conv(...), residual) -> activation becomes one Conv with a sum post-op (before the
  // activation), with the residual as its extra input, on either port of the Add; the residual
  // is a graph input (plain in the inference mode) or a Conv's output (blocked).
  void residualAddFuses_data() {
    QTest::addColumn<QString>("act");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("fromConv");
    QTest::addColumn<QString>("convAct");
    QTest::newRow("Relu, port 1") << "Relu" << 1 << false << "";
    QTest::newRow("Relu, port 0, residual from a Conv") << "Relu" << 0 << true << "";
    QTest::newRow("no activation, SiLU before") << "" << 1 << true << "SiLU";
    QTest::newRow("Clip after, Relu before") << "Clip" << 0 << false << "Relu";
  }
  void residualAddFuses() {
    QFETCH(QString, act);
    QFETCH(int, port);
    QFETCH(bool, fromConv);
    QFETCH(QString, convAct);
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 16, 9, 7});
    NodeId c1 = addConv(g, "c1", {x, 0}, 16, 16, 4);
    PortRef main = {addConv(g, "c2", {c1, 0}, 16, 16, 6), 0};
    if (!convAct.isEmpty()) main = {addActivation(g, convAct.toStdString(), main), 0};
    const PortRef residual = fromConv ? PortRef{addConv(g, "c3", {x, 0}, 16, 16, 8), 0} : PortRef{x, 0};
    NodeId add = g.addNode("Add", "add");
    g.connect(main, {add, port});
    g.connect(residual, {add, 1 - port});
    PortRef y = {add, 0};
    if (!act.isEmpty()) y = {addActivation(g, act.toStdString(), y), 0};
    NodeId o = g.addNode("Output", "y");
    g.connect(y, {o, 0});
    FoldReport r;
    Graph f = optimizeForInference(g, &r);
    QCOMPARE(r.fusedResidualAdds, 1);
    QCOMPARE(r.fusedActivations, int(!act.isEmpty()) + int(!convAct.isEmpty()));
    QCOMPARE(count(f, "Add"), 0);
    QCOMPARE(int(f.size()), int(g.size()) - 1 - int(!act.isEmpty()) - int(!convAct.isEmpty()));
    checkFused(g, f, {{"x", randn({1, 16, 9, 7}, 7)}});
  }
  // No residual fusion where it would change the meaning or the shapes: a broadcasting Add, a
  // Conv output that something else reads too.
  void residualAddStays() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 16, 9, 7});
    NodeId b = g.addNode("Input", "b");
    g.setAttr(b, "shape", Shape{1, 16, 1, 1});
    NodeId c = addConv(g, "c", {x, 0}, 16, 16, 4);
    NodeId add = g.addNode("Add", "add");
    g.connect({c, 0}, {add, 0});
    g.connect({b, 0}, {add, 1});
    NodeId o = g.addNode("Output", "y");
    g.connect({add, 0}, {o, 0});
    FoldReport r;
    QCOMPARE(count(fuseResidualAdds(g, &r), "Add"), 1);
    QCOMPARE(r.fusedResidualAdds, 0);
    g.disconnect({add, 1});
    g.connect({x, 0}, {add, 1});  // same shape now, but the Conv's output is also an output
    NodeId raw = g.addNode("Output", "raw");
    g.connect({c, 0}, {raw, 0});
    QCOMPARE(count(fuseResidualAdds(g, &r), "Add"), 1);
  }
  void yolo11nFoldsEveryConvBlock() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = yolo::buildYolo11(cfg);
    FoldReport r;
    Graph f = foldBatchNorms(g, &r);
    QCOMPARE(count(f, "BatchNormalization"), 0);
    QCOMPARE(r.foldedBatchNorms, count(g, "BatchNormalization"));
    Tensor img = uniform({1, 3, 64, 64}, 0, 1, 2);
    Tensor y0 = evaluate(g, {{"images", img}})[0], y1 = evaluate(f, {{"images", img}})[0];
    float scale = 1;
    for (float v : y0.floats()) scale = std::max(scale, std::fabs(v));
    NC_CHECK(compareTensors(y1, y0, {1e-5 * scale, 1e-5}));
  }
};

QTEST_APPLESS_MAIN(TestFusion)
#include "test_fusion.moc"
