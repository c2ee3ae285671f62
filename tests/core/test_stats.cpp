// Parameter and MAC counts against hand-computed numbers.
#include <QtTest>
#include <cstdio>

#include "core/blocks/yolo11.h"
#include "core/ops/registry.h"
#include "core/eval/stats.h"

using namespace nc;

namespace {

Tensor filled(Shape s, float v) {
  Tensor t(DType::Float32, s);
  for (float& x : t.floats()) x = v;
  return t;
}

}  // namespace

class TestStats : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void batchNormSilu() {
    Graph g;
    NodeId in = g.addNode("Input", "x");
    g.setAttr(in, "shape", std::vector<int64_t>{2, 16, 8, 5});
    NodeId bn = g.addNode("BatchNormalization");
    for (int p = 1; p <= 4; ++p) g.setConstant(bn, p, filled({16}, 1.0f));
    NodeId act = g.addNode("SiLU");
    NodeId out = g.addNode("Output");
    g.connect({in, 0}, {bn, 0});
    g.connect({bn, 0}, {act, 0});
    g.connect({act, 0}, {out, 0});
    ShapeInfo si = inferShapes(g);
    NodeStats b = nodeStats(g, bn, si);
    QCOMPARE(b.params, int64_t(2 * 16));   // scale, B
    QCOMPARE(b.buffers, int64_t(2 * 16));  // running mean and variance
    QVERIFY(b.macsKnown);
    QCOMPARE(b.macs, int64_t(2 * 16 * 8 * 5));
    NodeStats a = nodeStats(g, act, si);
    QCOMPARE(a.params, int64_t(0));
    QCOMPARE(a.macs, int64_t(2 * 16 * 8 * 5));
    QCOMPARE(nodeStats(g, in, si).macs, int64_t(0));
    GraphStats t = graphStats(g, si);
    QCOMPARE(t.nodes, int64_t(4));
    QCOMPARE(t.params, int64_t(32));
    QCOMPARE(t.buffers, int64_t(32));
    QCOMPARE(t.macs, int64_t(2 * 2 * 16 * 8 * 5));
    QVERIFY(t.macsComplete);
  }

  void unknownShapeGivesUnknownMacs() {
    Graph g;
    NodeId act = g.addNode("SiLU");  // unconnected input: shape unknown
    ShapeInfo si = inferShapes(g);
    QVERIFY(!nodeStats(g, act, si).macsKnown);
    QVERIFY(!graphStats(g, si).macsComplete);
  }

  void conv() {
    QVERIFY2(findOp("Conv"), "Conv is not registered");
    // x [1,8,10,10], W [6,4,3,3] group 2, stride 1, pads 1 -> y [1,6,10,10]
    Graph g;
    NodeId in = g.addNode("Input", "x");
    g.setAttr(in, "shape", std::vector<int64_t>{1, 8, 10, 10});
    NodeId c = g.addNode("Conv");
    g.setAttr(c, "group", int64_t(2));
    g.setAttr(c, "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.setConstant(c, 1, filled({6, 4, 3, 3}, 0.1f));
    g.setConstant(c, 2, filled({6}, 0.0f));
    g.connect({in, 0}, {c, 0});
    ShapeInfo si = inferShapes(g);
    NodeStats s = nodeStats(g, c, si);
    QCOMPARE(s.params, int64_t(6 * 4 * 9 + 6));
    QVERIFY(s.macsKnown);
    QCOMPARE(s.macs, int64_t(1) * 6 * 10 * 10 * (8 / 2) * 3 * 3);
  }

  void yolo11nMatchesUltralytics() {
    // Ultralytics: "YOLO11n summary: ... 2,624,080 parameters".
    Graph g = yolo::buildYolo11();
    ShapeInfo si = inferShapes(g);
    GraphStats t = graphStats(g, si);
    QCOMPARE(t.params, int64_t(2624080));
    QVERIFY(t.macsComplete);
    std::printf("YOLO11n at 640: %lld nodes, %s params, %s MACs\n", (long long)t.nodes,
                formatCount(t.params).c_str(), formatCount(t.macs).c_str());
  }

  void formatting() {
    QCOMPARE(formatCount(999), std::string("999"));
    QCOMPARE(formatCount(1234), std::string("1.23K"));
    QCOMPARE(formatCount(2500000), std::string("2.50M"));
    QCOMPARE(formatCount(45600000), std::string("45.6M"));
    QCOMPARE(formatCount(3000000000), std::string("3.00G"));
  }
};

QTEST_GUILESS_MAIN(TestStats)
#include "test_stats.moc"
