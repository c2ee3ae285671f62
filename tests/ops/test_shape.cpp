// Shape: dims as int64, start/end slicing, and the static value it publishes to inference.
#include <QtTest>
#include <rapidcheck.h>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

class TestShape : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void dims() {
    Tensor x = randn({2, 3, 5}, 1);
    NC_CHECK(OpCase("Shape").input(x).expect(Tensor::fromInt64({3}, {2, 3, 5})).check());
    NC_CHECK(OpCase("Shape").input(x).checkOnnx());
  }
  void startEnd() {
    Tensor x = randn({2, 3, 5, 7}, 2);
    NC_CHECK(OpCase("Shape").attr("start", int64_t(1)).attr("end", int64_t(-1)).input(x)
                 .expect(Tensor::fromInt64({2}, {3, 5})).check());
    // Out-of-range values clamp, as the spec says; an empty range gives an empty vector.
    NC_CHECK(OpCase("Shape").attr("start", int64_t(-10)).attr("end", int64_t(10)).input(x)
                 .expect(Tensor::fromInt64({4}, {2, 3, 5, 7})).check());
    NC_CHECK(OpCase("Shape").attr("start", int64_t(3)).attr("end", int64_t(1)).input(x)
                 .expect(Tensor::fromInt64({0}, {})).check());
    NC_CHECK(OpCase("Shape").attr("start", int64_t(1)).input(x).checkOnnx());
  }
  // Shape -> Gather folds to a static value during inference (PyTorch's chunk() pattern).
  void staticValueFolds() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 6, 4, 4});
    NodeId s = g.addNode("Shape"), ga = g.addNode("Gather");
    g.connect({x, 0}, {s, 0});
    g.connect({s, 0}, {ga, 0});
    g.setConstant(ga, 1, Tensor::fromInt64({}, {1}));
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    auto it = info.values.find({ga, 0});
    QVERIFY(it != info.values.end());
    QCOMPARE(it->second.i64()[0], int64_t(6));
    // Unknown dims publish nothing (and are no error).
    g.setAttr(x, "shape", Shape{1, -1, 4, 4});
    info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QVERIFY(!info.values.count({ga, 0}));
  }
  void property() {
    QVERIFY(rc::check("Shape returns the dims", [] {
      Shape s = *genShape(1, 5, 9);
      Tensor x(DType::Float32, s);
      RC_ASSERT(OpCase("Shape").input(x).expect(Tensor::fromInt64({int64_t(s.size())}, s)).check() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestShape)
#include "test_shape.moc"
