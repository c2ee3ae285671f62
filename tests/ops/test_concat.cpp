// Concat: 1..N inputs joined along `axis` (negative counts from the back). Hand-computed values,
// an oracle that splits a random tensor and checks the concatenation restores it, ONNX Runtime,
// and shape inference (equal ranks, equal non-axis dims, errors naming the input and both shapes).
#include <QtTest>

#include "core/eval/evaluator.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// Slices [begin, end) of x along `axis`, by explicit multi-indices.
Tensor sliceAxis(const Tensor& x, int axis, int64_t begin, int64_t end) {
  Shape s = x.shape();
  s[size_t(axis)] = end - begin;
  Tensor y(x.dtype(), s);
  for (int64_t i = 0; i < y.numel(); ++i) {
    std::vector<int64_t> idx = oracleUnravel(i, s);
    idx[size_t(axis)] += begin;
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d) src = src * x.shape()[d] + idx[d];
    if (x.dtype() == DType::Float32)
      y.f32()[i] = x.f32()[src];
    else
      y.i64()[i] = x.i64()[src];
  }
  return y;
}
OpCase concatCase(const std::vector<Tensor>& parts, int64_t axis) {
  OpCase c("Concat");
  c.attr("axis", axis);
  for (size_t i = 0; i < parts.size(); ++i) c.input(parts[i], "in" + std::to_string(i));
  return c;
}
}  // namespace

class TestConcat : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor a = Tensor::fromFloats({2, 2}, {1, 2, 3, 4}), b = Tensor::fromFloats({2, 1}, {5, 6}),
           c = Tensor::fromFloats({1, 2}, {7, 8});
    NC_CHECK(concatCase({a, b}, 1).expect(Tensor::fromFloats({2, 3}, {1, 2, 5, 3, 4, 6})).check());
    NC_CHECK(concatCase({a, b}, -1).expect(Tensor::fromFloats({2, 3}, {1, 2, 5, 3, 4, 6})).check());
    NC_CHECK(concatCase({a, c}, 0).expect(Tensor::fromFloats({3, 2}, {1, 2, 3, 4, 7, 8})).check());
    NC_CHECK(concatCase({a, c, a}, -2)
                 .expect(Tensor::fromFloats({5, 2}, {1, 2, 3, 4, 7, 8, 1, 2, 3, 4}))
                 .check());
    NC_CHECK(concatCase({a, b}, 1).checkOnnx());
    NC_CHECK(concatCase({a, c, a}, -2).checkOnnx());
  }
  void singleInputAndInt64() {
    Tensor a = randn({3, 4}, 1);
    NC_CHECK(concatCase({a}, 1).expect(a).check());
    Tensor i = Tensor::fromInt64({2}, {1, 2}), j = Tensor::fromInt64({3}, {3, 4, 5});
    NC_CHECK(concatCase({i, j}, 0).expect(Tensor::fromInt64({5}, {1, 2, 3, 4, 5})).check());
    NC_CHECK(concatCase({i, j}, 0).checkOnnx());
  }
  // A zero-sized part contributes nothing; a weight input is exported as an initializer.
  void emptyPartAndConstant() {
    Tensor a = randn({2, 3}, 2), e(DType::Float32, {2, 0});
    NC_CHECK(concatCase({a, e}, 1).expect(a).check());
    NC_CHECK(OpCase("Concat")
                 .attr("axis", int64_t(0))
                 .input(a, "x")
                 .constant(Tensor::fromFloats({1, 3}, {9, 8, 7}))
                 .expect(Tensor::fromFloats({3, 3}, {a.f32()[0], a.f32()[1], a.f32()[2], a.f32()[3],
                                                     a.f32()[4], a.f32()[5], 9, 8, 7}))
                 .checkOnnx());
  }
  void shapeInference() {
    Graph g;
    NodeId op = g.addNode("Concat", "cat");
    g.setAttr(op, "axis", int64_t(1));
    g.setInputCount(op, 3);
    NodeId a = addShapedInput(g, "a", {2, 3, 4}), b = addShapedInput(g, "b", {2, 5, 4}),
           c = addShapedInput(g, "c", {2, 1, 4});
    g.connect({a, 0}, {op, 0});
    g.connect({b, 0}, {op, 1});
    // Half-built: the axis size stays unknown, the other dims are known.
    ShapeInfo partial = inferShapes(g);
    QVERIFY(partial.diagnostics.empty());
    QCOMPARE(partial.type({op, 0})->dims, (Shape{2, -1, 4}));
    g.connect({c, 0}, {op, 2});
    ShapeInfo full = inferShapes(g);
    QVERIFY(full.diagnostics.empty());
    QCOMPARE(full.type({op, 0})->dims, (Shape{2, 9, 4}));
    // A non-axis dimension differs: the error names input 2 and both shapes.
    g.disconnect({op, 2});
    NodeId bad = addShapedInput(g, "bad", {2, 1, 5});
    g.connect({bad, 0}, {op, 2});
    ShapeInfo info = inferShapes(g);
    const Diagnostic* d = info.diagnosticFor(op);
    QVERIFY(d);
    QCOMPARE(d->input, 2);
    QVERIFY2(contains(d->message, "'cat'") && contains(d->message, "input 2") &&
                 contains(d->message, "[2, 1, 5]") && contains(d->message, "[2, 3, 4]"),
             d->message.c_str());
    // Rank mismatch.
    g.disconnect({op, 2});
    NodeId r2 = addShapedInput(g, "r2", {2, 3});
    g.connect({r2, 0}, {op, 2});
    std::string m = diagnosticOf(g, "cat");
    QVERIFY2(contains(m, "rank") && contains(m, "[2, 3]") && contains(m, "[2, 3, 4]"), m.c_str());
    // Axis out of range, and a missing (required) axis.
    g.disconnect({op, 2});
    g.connect({c, 0}, {op, 2});
    g.setAttr(op, "axis", int64_t(-4));
    m = diagnosticOf(g, "cat");
    QVERIFY2(contains(m, "-4") && contains(m, "rank 3"), m.c_str());
    g.clearAttr(op, "axis");
    m = diagnosticOf(g, "cat");
    QVERIFY2(contains(m, "'axis'") && contains(m, "required"), m.c_str());
  }
  void properties() {
    // Split a random tensor along a random axis into 1..4 parts; Concat must restore it.
    auto splitCase = [](const Tensor& x, int axis, int parts) {
      const int64_t n = x.shape()[size_t(axis)];
      std::vector<Tensor> ins;
      int64_t begin = 0;
      for (int p = 0; p < parts; ++p) {
        const int64_t end =
            p + 1 == parts ? n : std::min(n, begin + *rc::gen::inRange<int64_t>(0, n + 1));
        ins.push_back(sliceAxis(x, axis, begin, end));
        begin = end;
      }
      const bool negative = *rc::gen::arbitrary<bool>();
      return concatCase(ins, negative ? axis - x.rank() : axis).expect(x);
    };
    QVERIFY(rc::check("Concat: split then concat restores the tensor (fast == reference)", [&] {
      Tensor x = *genTensor();
      const int axis = *rc::gen::inRange(0, x.rank());
      RC_ASSERT(splitCase(x, axis, *rc::gen::inRange(1, 5)).check() == "");
    }));
    QVERIFY(checkN("Concat: ONNX Runtime agrees", 10, [&] {
      Tensor x = *genTensor();
      const int axis = *rc::gen::inRange(0, x.rank());
      RC_ASSERT(splitCase(x, axis, *rc::gen::inRange(1, 4)).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestConcat)
#include "test_concat.moc"
