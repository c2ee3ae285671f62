// BatchNorm folding: same numbers (1e-5 relative to the output scale) with fewer nodes, and
// nothing folded where it would change the meaning.
#include <QtTest>
#include <cmath>

#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/eval/fusion.h"
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
  // Conv -> SiLU/Relu/Sigmoid becomes one Conv with a fused activation (a oneDNN post-op):
  // same numbers through fast and reference kernels, exported back as Conv -> activation
  // (ONNX Runtime agrees), and an imported file never carries the internal attribute.
  void activationFuses_data() {
    QTest::addColumn<QString>("act");
    QTest::newRow("SiLU") << "SiLU";
    QTest::newRow("Relu") << "Relu";
    QTest::newRow("Sigmoid") << "Sigmoid";
  }
  void activationFuses() {
    QFETCH(QString, act);
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 5, 9, 7});
    NodeId c = g.addNode("Conv", "conv");
    g.setAttr(c, "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.setConstant(c, 1, randn({6, 5, 3, 3}, 4));
    g.setConstant(c, 2, randn({6}, 5));
    NodeId a = g.addNode(act.toStdString(), "act"), o = g.addNode("Output", "y");
    g.connect({x, 0}, {c, 0});
    g.connect({c, 0}, {a, 0});
    g.connect({a, 0}, {o, 0});
    FoldReport r;
    Graph f = optimizeForInference(g, &r);
    QCOMPARE(r.fusedActivations, 1);
    QCOMPARE(count(f, act.toStdString()), 0);
    Tensor in = randn({1, 5, 9, 7}, 6);
    Tensor y0 = evaluate(g, {{"x", in}})[0];
    for (bool reference : {false, true})
      NC_CHECK(compareTensors(evaluate(f, {{"x", in}}, reference)[0], y0, {1e-5, 1e-5}));
    NC_CHECK(checkGraphWithOrt(f, {{"x", in}}));
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
