// Exp: Y = exp(X). Hand-computed values, the formula in double as the oracle,
// a RapidCheck property (fast == reference == oracle) and ONNX Runtime on exported models.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
double oracle(double x) { return std::exp(x); }
OpCase opCase(const Tensor& x) {
  return OpCase("Exp").input(x, "x").expect(unaryOracle(x, oracle), Tolerance{1e-6, 1e-6});
}
}  // namespace

class TestExp : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({5}, {0, 1, -1, 2, -100});
    NC_CHECK(OpCase("Exp")
                 .input(x, "x")
                 .expect(Tensor::fromFloats(
                             {5}, {1, 2.7182817f, 0.36787945f, 7.3890561f, 3.7200760e-44f}),
                         Tolerance{1e-6, 1e-6})
                 .check());
    NC_CHECK(opCase(x).check());
  }
  void matrixAnd4d() {
    NC_CHECK(opCase(uniform({2, 3}, -10.0f, 10.0f, 1)).check());
    NC_CHECK(opCase(uniform({2, 3}, -10.0f, 10.0f, 1)).checkOnnx());
    Tensor x4 = uniform({2, 13, 7, 5}, -10.0f, 10.0f, 2);
    NC_CHECK(opCase(x4).check());
    NC_CHECK(opCase(x4).checkOnnx());
  }
  // A scalar (rank 0) keeps its shape.
  void scalar() {
    Tensor x = Tensor::scalar(0.75f);
    std::vector<Tensor> y = opCase(x).run(false);
    QCOMPARE(y[0].shape(), Shape{});
    NC_CHECK(opCase(x).check());
  }

  // IEEE edge cases: infinities and NaN as the C library (and ONNX Runtime) give them.
  void edgeCases() {
    NC_CHECK(OpCase("Exp")
                 .input(Tensor::fromFloats({4}, {100, -1000, INFINITY, -INFINITY}), "x")
                 .expect(Tensor::fromFloats({4}, {INFINITY, 0, INFINITY, 0}))
                 .check());
  }

  // float32 only: an int64 input is a shape-inference error naming the node and the input type.
  void rejectsInt64() {
    Graph g;
    NodeId x = addShapedInput(g, "x", {2, 3}, DType::Int64);
    NodeId op = g.addNode("Exp", "act");
    g.connect({x, 0}, {op, 0});
    const std::string d = diagnosticOf(g, "act");
    QVERIFY2(contains(d, "'act'") && contains(d, "int64[2, 3]"), d.c_str());
    // Unconnected: unknown, not an error.
    Graph h;
    h.addNode("Exp", "act");
    QCOMPARE(diagnosticOf(h, "act"), std::string());
  }
  void properties() {
    QVERIFY(rc::check("Exp: fast == reference == oracle over random shapes", [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).check() == "");
    }));
    QVERIFY(checkN("Exp: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestExp)
#include "test_exp.moc"
