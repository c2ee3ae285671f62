// Relu: Y = max(0, X). Hand-computed values, the formula in double as the oracle,
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
double oracle(double x) { return x > 0 ? x : 0.0; }
OpCase opCase(const Tensor& x) {
  return OpCase("Relu").input(x, "x").expect(unaryOracle(x, oracle));
}
}  // namespace

class TestRelu : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({6}, {-2, -0.5f, 0, 0.5f, 2, 1e30f});
    NC_CHECK(OpCase("Relu")
                 .input(x, "x")
                 .expect(Tensor::fromFloats({6}, {0, 0, 0, 0.5f, 2, 1e30f}))
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

  // float32 only: an int64 input is a shape-inference error naming the node and the input type.
  void rejectsInt64() {
    Graph g;
    NodeId x = addShapedInput(g, "x", {2, 3}, DType::Int64);
    NodeId op = g.addNode("Relu", "act");
    g.connect({x, 0}, {op, 0});
    const std::string d = diagnosticOf(g, "act");
    QVERIFY2(contains(d, "'act'") && contains(d, "int64[2, 3]"), d.c_str());
    // Unconnected: unknown, not an error.
    Graph h;
    h.addNode("Relu", "act");
    QCOMPARE(diagnosticOf(h, "act"), std::string());
  }
  void properties() {
    QVERIFY(rc::check("Relu: fast == reference == oracle over random shapes", [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).check() == "");
    }));
    QVERIFY(checkN("Relu: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestRelu)
#include "test_relu.moc"
