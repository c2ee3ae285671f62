// HardSigmoid: Y = max(0, min(1, alpha * X + beta)); alpha 0.2, beta 0.5 by default. Hand-computed
// values, the formula in double as the oracle, a RapidCheck property (fast == reference == oracle)
// and ONNX Runtime on exported models.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
double oracle(double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); }
OpCase opCase(const Tensor& x) {
  return OpCase("HardSigmoid").input(x, "x").expect(unaryOracle(x, oracle));
}
}  // namespace

class TestHardSigmoid : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({7}, {-3, -2.5f, -1, 0, 1, 2.5f, 3});
    NC_CHECK(OpCase("HardSigmoid")
                 .input(x, "x")
                 .expect(Tensor::fromFloats({7}, {0, 0, 0.3f, 0.5f, 0.7f, 1, 1}))
                 .check());
    NC_CHECK(opCase(x).check());
  }
  void matrixAnd4d() {
    NC_CHECK(opCase(uniform({2, 3}, -5.0f, 5.0f, 1)).check());
    NC_CHECK(opCase(uniform({2, 3}, -5.0f, 5.0f, 1)).checkOnnx());
    Tensor x4 = uniform({2, 13, 7, 5}, -5.0f, 5.0f, 2);
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
    Tensor x = Tensor::fromFloats({4}, {-1, 0, 1, -2});
    auto withAttrs = [](const Tensor& in) {
      return OpCase("HardSigmoid")
          .attr("alpha", 0.5f)
          .attr("beta", 0.6f)
          .input(in, "x")
          .expect(unaryOracle(
              in, [](double x) { return std::max(0.0, std::min(1.0, 0.5 * x + 0.6)); }));
    };
    NC_CHECK(withAttrs(x).check());
    NC_CHECK(OpCase("HardSigmoid")
                 .attr("alpha", 0.5f)
                 .attr("beta", 0.6f)
                 .input(x, "x")
                 .expect(Tensor::fromFloats({4}, {0.1f, 0.6f, 1, 0}))
                 .check());
    NC_CHECK(withAttrs(randn({3, 5, 7}, 11)).checkOnnx());
  }

  // float32 only: an int64 input is a shape-inference error naming the node and the input type.
  void rejectsInt64() {
    Graph g;
    NodeId x = addShapedInput(g, "x", {2, 3}, DType::Int64);
    NodeId op = g.addNode("HardSigmoid", "act");
    g.connect({x, 0}, {op, 0});
    const std::string d = diagnosticOf(g, "act");
    QVERIFY2(contains(d, "'act'") && contains(d, "int64[2, 3]"), d.c_str());
    // Unconnected: unknown, not an error.
    Graph h;
    h.addNode("HardSigmoid", "act");
    QCOMPARE(diagnosticOf(h, "act"), std::string());
  }
  void properties() {
    QVERIFY(rc::check("HardSigmoid: fast == reference == oracle over random shapes", [] {
      Tensor x = *genTensor(-5.0f, 5.0f);
      RC_ASSERT(opCase(x).check() == "");
    }));
    QVERIFY(checkN("HardSigmoid: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-5.0f, 5.0f);
      RC_ASSERT(opCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestHardSigmoid)
#include "test_hard_sigmoid.moc"
