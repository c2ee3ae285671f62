// Shared Add/Sub/Mul/Div tests (see tests/support/arithmetic_tests.h).
#include "tests/support/arithmetic_tests.h"

#include <QtTest>
#include <cmath>

#include "core/eval/evaluator.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// The op under test (one op per test process), set by the constructor.
ArithmeticCase gCase;

OpCase opCase(const Tensor& a, const Tensor& b) {
  return OpCase(gCase.op).input(a, "a").input(b, "b").expect(binaryOracle(a, b, gCase.oracle));
}

}  // namespace

ArithmeticTests::ArithmeticTests(ArithmeticCase c) { gCase = std::move(c); }

void ArithmeticTests::handComputed() {
  Tensor a = Tensor::fromFloats({3}, {1, 2, 3}), b = Tensor::fromFloats({3}, {10, 20, 30});
  NC_CHECK(OpCase(gCase.op).input(a, "a").input(b, "b").expect(gCase.floatsExpected).check());
  NC_CHECK(opCase(a, b).checkOnnx());
}

void ArithmeticTests::int64() {
  NC_CHECK(OpCase(gCase.op).input(gCase.intA, "a").input(gCase.intB, "b").expect(gCase.intExpected).check());
  NC_CHECK(OpCase(gCase.op).input(gCase.intA, "a").input(gCase.intB, "b").checkOnnx());
}

void ArithmeticTests::broadcasting() {
  // [2,3] with [3]: the row applied to each row, checked by hand for one element.
  Tensor m = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6}), r = Tensor::fromFloats({3}, {1, 2, 4});
  std::vector<Tensor> y = opCase(m, r).run(false);
  QCOMPARE(y[0].shape(), (Shape{2, 3}));
  QCOMPARE(double(y[0].f32()[5]), gCase.oracle(6, 4));
  NC_CHECK(opCase(m, r).check());
  // [2,1] with [1,3] gives [2,3]; scalar with [2,3]; [3,1,5] with [4,5] gives [3,4,5].
  const float lo = gCase.bLow;
  NC_CHECK(opCase(uniform({2, 1}, 1, 5, 1), uniform({1, 3}, lo, 10.0f, 2)).check());
  NC_CHECK(opCase(Tensor::scalar(2.5f), uniform({2, 3}, lo, 10.0f, 3)).check());
  Tensor a3 = uniform({3, 1, 5}, -5, 5, 4), b3 = uniform({4, 5}, lo, 10.0f, 5);
  std::vector<Tensor> y3 = opCase(a3, b3).run(true);
  QCOMPARE(y3[0].shape(), (Shape{3, 4, 5}));
  NC_CHECK(opCase(a3, b3).check());
  NC_CHECK(opCase(a3, b3).checkOnnx());
  // A weight bound as a node constant (exported as an initializer).
  NC_CHECK(OpCase(gCase.op).input(a3, "a").constant(b3).expect(binaryOracle(a3, b3, gCase.oracle)).checkOnnx());
}

// Large and awkward layouts through the fast path: equal shapes (one run), a row vector, a
// column vector, a scalar, and an outer-product broadcast [N,1] x [1,M].
void ArithmeticTests::fastPathLayouts() {
  for (auto [sa, sb] : std::vector<std::pair<Shape, Shape>>{{{64, 127}, {64, 127}},
                                                            {{64, 127}, {127}},
                                                            {{64, 127}, {64, 1}},
                                                            {{}, {64, 127}},
                                                            {{13, 1}, {1, 127}},
                                                            {{2, 1, 5, 1}, {3, 1, 7}}}) {
    Tensor a = randn(sa, 7), b = gCase.bLow > 0 ? uniform(sb, gCase.bLow, 10.0f, 8) : randn(sb, 8);
    NC_CHECK(opCase(a, b).check());
  }
}

void ArithmeticTests::shapeErrors() {
  Graph g;
  NodeId a = addShapedInput(g, "a", {2, 3}), b = addShapedInput(g, "b", {4});
  NodeId op = g.addNode(gCase.op, "op");
  g.connect({a, 0}, {op, 0});
  // Half-built: one input unbound gives unknown, not an error.
  QCOMPARE(diagnosticOf(g, "op"), std::string());
  g.connect({b, 0}, {op, 1});
  std::string d = diagnosticOf(g, "op");
  QVERIFY2(contains(d, "'op'") && contains(d, "[2, 3]") && contains(d, "[4]"), d.c_str());
  // Mixed element types are refused, naming both.
  Graph h;
  NodeId fa = addShapedInput(h, "a", {2, 3}), ib = addShapedInput(h, "b", {2, 3}, DType::Int64);
  NodeId op2 = h.addNode(gCase.op, "op");
  h.connect({fa, 0}, {op2, 0});
  h.connect({ib, 0}, {op2, 1});
  d = diagnosticOf(h, "op");
  QVERIFY2(contains(d, "'op'") && contains(d, "int64[2, 3]") && contains(d, "float32[2, 3]"), d.c_str());
}

void ArithmeticTests::properties() {
  auto pair = [] {
    auto [sa, sb] = genBroadcastPair();
    return std::pair{*genTensorOfShape(sa, -10.0f, 10.0f), *genTensorOfShape(sb, gCase.bLow, 10.0f)};
  };
  QVERIFY(rc::check(std::string(gCase.op) + ": fast == reference == oracle over random broadcast pairs", [&] {
    auto [a, b] = pair();
    RC_ASSERT(opCase(a, b).check() == "");
  }));
  QVERIFY(checkN(std::string(gCase.op) + ": ONNX Runtime agrees", 10, [&] {
    auto [a, b] = pair();
    RC_ASSERT(opCase(a, b).checkOnnx() == "");
  }));
}
