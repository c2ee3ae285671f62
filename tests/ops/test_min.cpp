// Min: elementwise minimum of 1..N inputs (variadic), NumPy broadcasting, NaN propagating.
// Hand-computed values, a fold over an explicit-multi-index broadcasting oracle, ONNX Runtime,
// variadic port counts, and shape/type errors naming the input.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/evaluator.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
double oracle(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); }
OpCase opCase(const std::vector<Tensor>& ins) {
  OpCase c("Min");
  Tensor expected = ins[0];
  for (size_t i = 0; i < ins.size(); ++i) {
    c.input(ins[i], std::string(1, char('a' + i)));
    if (i) expected = binaryOracle(expected, ins[i], oracle);
  }
  return c.expect(expected);
}
}  // namespace

class TestMin : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor a = Tensor::fromFloats({4}, {1, 5, 0, -6}), b = Tensor::fromFloats({4}, {4, -2, 9, 2}),
           c = Tensor::fromFloats({4}, {2, 3, 1, 0});
    NC_CHECK(OpCase("Min")
                 .input(a, "a")
                 .input(b, "b")
                 .input(c, "c")
                 .expect(Tensor::fromFloats({4}, {1, -2, 0, -6}))
                 .check());
    NC_CHECK(opCase({a, b, c}).checkOnnx());
  }
  // One input is passed through; two and four inputs with broadcasting.
  void inputCounts() {
    Tensor a = randn({2, 3}, 1);
    NC_CHECK(OpCase("Min").input(a, "a").expect(a).check());
    NC_CHECK(opCase({a}).checkOnnx());
    NC_CHECK(opCase({a, randn({3}, 2)}).check());
    std::vector<Tensor> four = {randn({3, 1, 5}, 3), randn({4, 5}, 4), Tensor::scalar(0.25f),
                                randn({1, 4, 1}, 5)};
    std::vector<Tensor> y = opCase(four).run(false);
    QCOMPARE(y[0].shape(), (Shape{3, 4, 5}));
    NC_CHECK(opCase(four).check());
    NC_CHECK(opCase(four).checkOnnx());
  }
  void nanAndInt64() {
    Tensor a = Tensor::fromFloats({3}, {NAN, 1, -INFINITY}),
           b = Tensor::fromFloats({3}, {0, NAN, 2});
    std::vector<Tensor> y = OpCase("Min").input(a, "a").input(b, "b").run(false);
    QVERIFY(std::isnan(y[0].f32()[0]) && std::isnan(y[0].f32()[1]));
    QCOMPARE(double(y[0].f32()[2]), oracle(-INFINITY, 2));
    Tensor ia = Tensor::fromInt64({3}, {7, -3, 4000000000}),
           ib = Tensor::fromInt64({3}, {-5, -1, 5000000000});
    NC_CHECK(OpCase("Min")
                 .input(ia, "a")
                 .input(ib, "b")
                 .expect(Tensor::fromInt64({3}, {-5, -3, 4000000000}))
                 .check());
    NC_CHECK(OpCase("Min").input(ia, "a").input(ib, "b").checkOnnx());
  }
  // The port count follows Graph::setInputCount; errors name the offending input and both shapes.
  void variadicPortsAndErrors() {
    Graph g;
    NodeId op = g.addNode("Min", "m");
    QCOMPARE(int(g.node(op).inputs.size()), 1);
    g.setInputCount(op, 3);
    QCOMPARE(int(g.node(op).inputs.size()), 3);
    NodeId a = addShapedInput(g, "a", {2, 3}), b = addShapedInput(g, "b", {3}),
           c = addShapedInput(g, "c", {4});
    g.connect({a, 0}, {op, 0});
    g.connect({b, 0}, {op, 1});
    QCOMPARE(diagnosticOf(g, "m"), std::string());  // input 2 unbound: unknown, no error
    QVERIFY(!inferShapes(g).type({op, 0})->rankKnown);
    g.connect({c, 0}, {op, 2});
    ShapeInfo info = inferShapes(g);
    const Diagnostic* d = info.diagnosticFor(op);
    QVERIFY(d);
    QCOMPARE(d->input, 2);
    QVERIFY2(contains(d->message, "'m'") && contains(d->message, "[2, 3]") &&
                 contains(d->message, "[4]"),
             d->message.c_str());
    g.disconnect({op, 2});
    NodeId i = addShapedInput(g, "i", {2, 3}, DType::Int64);
    g.connect({i, 0}, {op, 2});
    const std::string t = diagnosticOf(g, "m");
    QVERIFY2(contains(t, "int64[2, 3]") && contains(t, "float32[2, 3]"), t.c_str());
  }
  void properties() {
    QVERIFY(rc::check("Min: reference == oracle over 1..4 random broadcast inputs", [] {
      auto [sa, sb] = genBroadcastPair();
      const int n = *rc::gen::inRange(1, 5);
      std::vector<Tensor> ins;
      for (int i = 0; i < n; ++i) ins.push_back(*genTensorOfShape(i % 2 ? sb : sa, -10.0f, 10.0f));
      RC_ASSERT(opCase(ins).check() == "");
    }));
    QVERIFY(checkN("Min: ONNX Runtime agrees", 10, [] {
      auto [sa, sb] = genBroadcastPair();
      const int n = *rc::gen::inRange(1, 4);
      std::vector<Tensor> ins;
      for (int i = 0; i < n; ++i) ins.push_back(*genTensorOfShape(i % 2 ? sb : sa, -10.0f, 10.0f));
      RC_ASSERT(opCase(ins).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestMin)
#include "test_min.moc"
