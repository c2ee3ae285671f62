// Flatten: every axis including negative ones and 0, int64 data, unknown dims, ONNX Runtime,
// and diagnostics.
#include <rapidcheck.h>

#include <QtTest>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// Flatten keeps the data in order: rows = product of dims before axis.
OpCase flattenCase(const Tensor& x, int64_t axis) {
  const int a = int(axis < 0 ? axis + x.rank() : axis);
  int64_t rows = 1;
  for (int i = 0; i < a; ++i) rows *= x.dim(i);
  return OpCase("Flatten")
      .attr("axis", axis)
      .input(x, "x")
      .expect(x.clone().reshaped({rows, x.numel() / rows}));
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestFlatten : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyAxis() {
    Tensor x = randn({2, 3, 4, 5}, 1);
    const std::pair<int64_t, Shape> cases[] = {{0, {1, 120}}, {1, {2, 60}},  {2, {6, 20}},
                                               {3, {24, 5}},  {4, {120, 1}}, {-1, {24, 5}},
                                               {-4, {1, 120}}};
    for (auto& [axis, shape] : cases) {
      NC_CHECK(
          OpCase("Flatten").attr("axis", axis).input(x).expect(x.clone().reshaped(shape)).check());
      NC_CHECK(flattenCase(x, axis).checkOnnx());
    }
    // Default axis 1.
    NC_CHECK(OpCase("Flatten").input(x).expect(x.clone().reshaped({2, 60})).check());
  }
  void int64Data() {
    NC_CHECK(flattenCase(Tensor::fromInt64({2, 2, 1}, {1, 2, 3, 4}), 2).check());
    NC_CHECK(flattenCase(Tensor::fromInt64({2, 2, 1}, {1, 2, 3, 4}), 2).checkOnnx());
  }
  void unknownDims() {
    Graph g;
    NodeId x = g.addNode("Input", "x"), f = g.addNode("Flatten", "op");
    g.setAttr(x, "shape", Shape{-1, 3, 4});
    g.setAttr(f, "axis", int64_t(1));
    g.connect({x, 0}, {f, 0});
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({f, 0})->dims, (Shape{-1, 12}));
  }
  void badInputs() {
    std::string d =
        diagnostic(OpCase("Flatten").attr("axis", int64_t(4)).input(randn({2, 3, 4}, 1)));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("axis 4") != std::string::npos &&
                 d.find("[2, 3, 4]") != std::string::npos,
             d.c_str());
  }
  void properties() {
    auto gen = [] {
      Tensor x = *genTensor();
      return std::pair(x, *rc::gen::inRange<int64_t>(-x.rank(), x.rank() + 1));
    };
    QVERIFY(rc::check("flatten: same data, rows x cols", [&] {
      auto [x, axis] = gen();
      RC_ASSERT(flattenCase(x, axis).check() == "");
    }));
    QVERIFY(checkN("flatten: ONNX Runtime agrees", 10, [&] {
      auto [x, axis] = gen();
      RC_ASSERT(flattenCase(x, axis).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestFlatten)
#include "test_flatten.moc"
