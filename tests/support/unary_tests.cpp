// Shared tests of the float32 unary elementwise ops (see tests/support/unary_tests.h).
#include "tests/support/unary_tests.h"

#include <QtTest>

#include "tests/support/elementwise_oracle.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// The op under test (one op per test process), set by the constructor.
UnaryCase gCase;

OpCase opCase(const Tensor& x) {
  return OpCase(gCase.op).input(x, "x").expect(unaryOracle(x, gCase.oracle), gCase.tolerance);
}

}  // namespace

UnaryTests::UnaryTests(UnaryCase c) { gCase = std::move(c); }

void UnaryTests::handComputed() {
  NC_CHECK(OpCase(gCase.op).input(gCase.handIn, "x").expect(gCase.handOut, gCase.tolerance).check());
  NC_CHECK(opCase(gCase.handIn).check());
}

void UnaryTests::matrixAnd4d() {
  NC_CHECK(opCase(uniform({2, 3}, gCase.lo, gCase.hi, 1)).check());
  NC_CHECK(opCase(uniform({2, 3}, gCase.lo, gCase.hi, 1)).checkOnnx());
  Tensor x4 = uniform({2, 13, 7, 5}, gCase.lo, gCase.hi, 2);
  NC_CHECK(opCase(x4).check());
  NC_CHECK(opCase(x4).checkOnnx());
}

// A scalar (rank 0) keeps its shape.
void UnaryTests::scalar() {
  Tensor x = Tensor::scalar(0.75f);
  std::vector<Tensor> y = opCase(x).run(false);
  QCOMPARE(y[0].shape(), Shape{});
  NC_CHECK(opCase(x).check());
}

// float32 only: an int64 input is a shape-inference error naming the node and the input type.
void UnaryTests::rejectsInt64() {
  Graph g;
  NodeId x = addShapedInput(g, "x", {2, 3}, DType::Int64);
  NodeId op = g.addNode(gCase.op, "act");
  g.connect({x, 0}, {op, 0});
  const std::string d = diagnosticOf(g, "act");
  QVERIFY2(contains(d, "'act'") && contains(d, "int64[2, 3]"), d.c_str());
  // Unconnected: unknown, not an error.
  Graph h;
  h.addNode(gCase.op, "act");
  QCOMPARE(diagnosticOf(h, "act"), std::string());
}

void UnaryTests::properties() {
  QVERIFY(rc::check(std::string(gCase.op) + ": fast == reference == oracle over random shapes", [] {
    Tensor x = *genTensor(gCase.lo, gCase.hi);
    RC_ASSERT(opCase(x).check() == "");
  }));
  QVERIFY(checkN(std::string(gCase.op) + ": ONNX Runtime agrees", 10, [] {
    Tensor x = *genTensor(gCase.lo, gCase.hi);
    RC_ASSERT(opCase(x).checkOnnx() == "");
  }));
}

// IEEE edge cases: infinities and NaN as the C library (and ONNX Runtime) give them.
void UnaryEdgeTests::edgeCases() {
  QVERIFY(!gCase.edgeIn.empty());
  NC_CHECK(OpCase(gCase.op).input(gCase.edgeIn, "x").expect(gCase.edgeOut).check());
}

// Explicit attributes: hand-computed values and the formula with those attributes.
void UnaryAttributeTests::attributes() {
  QVERIFY(gCase.attrOracle && !gCase.attrs.empty());
  auto withAttrs = [](const Tensor& in) {
    OpCase c(gCase.op);
    for (auto& [name, value] : gCase.attrs) c.attr(name, value);
    c.input(in, "x");
    return c;
  };
  NC_CHECK(withAttrs(gCase.attrIn).expect(unaryOracle(gCase.attrIn, gCase.attrOracle)).check());
  NC_CHECK(withAttrs(gCase.attrIn).expect(gCase.attrOut).check());
  Tensor r = randn({3, 5, 7}, 11);
  NC_CHECK(withAttrs(r).expect(unaryOracle(r, gCase.attrOracle)).checkOnnx());
}
