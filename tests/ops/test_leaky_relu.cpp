// LeakyRelu: Y = X (X >= 0), alpha * X otherwise; alpha defaults to 0.01. Hand-computed values, the
// formula in double as the oracle, a RapidCheck property (fast == reference == oracle) and ONNX
// Runtime on exported models.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
double oracle(double x) { return x >= 0 ? x : 0.01 * x; }
OpCase opCase(const Tensor& x) {
  return OpCase("LeakyRelu").input(x, "x").expect(unaryOracle(x, oracle));
}
}  // namespace

class TestLeakyRelu : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({5}, {-2, -0.5f, 0, 0.5f, 2});
    NC_CHECK(OpCase("LeakyRelu")
                 .input(x, "x")
                 .expect(Tensor::fromFloats({5}, {-0.02f, -0.005f, 0, 0.5f, 2}))
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

  // Explicit attributes: hand-computed values and the formula with those attributes.
  void attributes() {
    Tensor x = Tensor::fromFloats({4}, {-1, 0, 1, -30});
    auto withAttrs = [](const Tensor& in) {
      return OpCase("LeakyRelu")
          .attr("alpha", 0.1f)
          .input(in, "x")
          .expect(unaryOracle(in, [](double x) { return x >= 0 ? x : 0.1 * x; }));
    };
    NC_CHECK(withAttrs(x).check());
    NC_CHECK(OpCase("LeakyRelu")
                 .attr("alpha", 0.1f)
                 .input(x, "x")
                 .expect(Tensor::fromFloats({4}, {-0.1f, 0, 1, -3}))
                 .check());
    NC_CHECK(withAttrs(randn({3, 5, 7}, 11)).checkOnnx());
  }

  // float32 only: an int64 input is a shape-inference error naming the node and the input type.
  void rejectsInt64() {
    Graph g;
    NodeId x = addShapedInput(g, "x", {2, 3}, DType::Int64);
    NodeId op = g.addNode("LeakyRelu", "act");
    g.connect({x, 0}, {op, 0});
    const std::string d = diagnosticOf(g, "act");
    QVERIFY2(contains(d, "'act'") && contains(d, "int64[2, 3]"), d.c_str());
    // Unconnected: unknown, not an error.
    Graph h;
    h.addNode("LeakyRelu", "act");
    QCOMPARE(diagnosticOf(h, "act"), std::string());
  }
  void properties() {
    QVERIFY(rc::check("LeakyRelu: fast == reference == oracle over random shapes", [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).check() == "");
    }));
    QVERIFY(checkN("LeakyRelu: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      RC_ASSERT(opCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestLeakyRelu)
#include "test_leaky_relu.moc"
