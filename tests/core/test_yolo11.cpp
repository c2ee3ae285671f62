// The YOLO11 block library and the YOLO11n template: Ultralytics' parameter count, shapes, and
// our evaluation against ONNX Runtime on the exported file.
#include <QtTest>
#include <cmath>

#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/ops/graph_io.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

class TestYolo11 : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Ultralytics reports "YOLO11n summary: ... 2,624,080 parameters" (BatchNorm running stats are
  // buffers, not parameters; the fixed DFL conv's 16 weights are counted).
  void parameterCountMatchesUltralytics() {
    Graph g = yolo::buildYolo11();
    QCOMPARE(yolo::trainableParameterCount(g), int64_t(2624080));
  }
  void shapesAt640() {
    Graph g = yolo::buildYolo11();
    ShapeInfo s = inferShapes(g);
    QVERIFY2(s.diagnostics.empty(), s.diagnostics.empty() ? "" : s.diagnostics.front().message.c_str());
    NodeId out = g.outputNodes().at(0);
    auto t = s.inputType(g, {out, 0});
    QVERIFY(t.has_value());
    QCOMPARE(t->dims, (Shape{1, 84, 8400}));
  }
  // A 64x64 image gives 8x8 + 4x4 + 2x2 = 84 anchors; ORT agrees within 1e-4 of the output scale.
  void smallImageMatchesOnnxRuntime() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = yolo::buildYolo11(cfg);
    Tensor img = uniform({1, 3, 64, 64}, 0.0f, 1.0f, 7);
    std::vector<Tensor> ours = evaluate(g, {{"images", img}});
    QCOMPARE(ours[0].shape(), (Shape{1, 84, 84}));
    const double scale = std::max(1.0f, maxAbs(ours[0]));
    NC_CHECK(checkGraphWithOrt(g, {{"images", img}}, {1e-4 * scale, 1e-4}));
  }
  void fullSizeMatchesOnnxRuntime() {
    Graph g = yolo::buildYolo11();
    Tensor img = uniform({1, 3, 640, 640}, 0.0f, 1.0f, 11);
    std::vector<Tensor> ours = evaluate(g, {{"images", img}});
    const double scale = std::max(1.0f, maxAbs(ours[0]));
    NC_CHECK(checkGraphWithOrt(g, {{"images", img}}, {1e-4 * scale, 1e-4}));
  }
};

QTEST_APPLESS_MAIN(TestYolo11)
#include "test_yolo11.moc"
