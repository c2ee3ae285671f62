// Pow: Z = X ^ Y with NumPy broadcasting; Z has the element type of X, and Y may be float32 or
// int64 independently. Hand-computed values, a double-precision broadcasting oracle, ONNX
// Runtime, and shape errors from shape inference.
#include <QtTest>
#include <cmath>

#include "core/eval/evaluator.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
double oracle(double a, double b) { return std::pow(a, b); }
OpCase opCase(const Tensor& x, const Tensor& y) {
  return OpCase("Pow").input(x, "x").input(y, "y").expect(binaryOracle(x, y, x.dtype(), oracle));
}
}  // namespace

class TestPow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({5}, {2, 3, 4, 2, 10}),
           y = Tensor::fromFloats({5}, {3, 2, 0.5f, -1, 0});
    NC_CHECK(OpCase("Pow")
                 .input(x, "x")
                 .input(y, "y")
                 .expect(Tensor::fromFloats({5}, {8, 9, 2, 0.5f, 1}))
                 .check());
    NC_CHECK(opCase(x, y).checkOnnx());
  }
  // A negative base with a fractional exponent has no real result: NaN, as std::pow.
  void edgeCases() {
    Tensor x = Tensor::fromFloats({4}, {-8, -2, 0, 0}),
           y = Tensor::fromFloats({4}, {1.0f / 3, 2, 0, -1});
    NC_CHECK(OpCase("Pow")
                 .input(x, "x")
                 .input(y, "y")
                 .expect(Tensor::fromFloats({4}, {NAN, 4, 1, INFINITY}))
                 .check());
  }
  // Mixed element types: the base decides the output type.
  void mixedTypes() {
    Tensor xf = Tensor::fromFloats({3}, {1.5f, 2, -3}), yi = Tensor::fromInt64({3}, {2, 10, 3});
    NC_CHECK(OpCase("Pow")
                 .input(xf, "x")
                 .input(yi, "y")
                 .expect(Tensor::fromFloats({3}, {2.25f, 1024, -27}))
                 .check());
    NC_CHECK(OpCase("Pow").input(xf, "x").input(yi, "y").checkOnnx());
    Tensor xi = Tensor::fromInt64({4}, {2, 3, -2, 7}), yi2 = Tensor::fromInt64({4}, {10, 3, 3, 0});
    NC_CHECK(OpCase("Pow")
                 .input(xi, "x")
                 .input(yi2, "y")
                 .expect(Tensor::fromInt64({4}, {1024, 27, -8, 1}))
                 .check());
    NC_CHECK(OpCase("Pow").input(xi, "x").input(yi2, "y").checkOnnx());
    Tensor yf = Tensor::fromFloats({4}, {2, 0.5f, 2, 1});
    NC_CHECK(OpCase("Pow")
                 .input(xi, "x")
                 .input(yf, "y")
                 .expect(Tensor::fromInt64({4}, {4, 1, 4, 7}))
                 .check());
    std::vector<Tensor> z = OpCase("Pow").input(xi, "x").input(yf, "y").run(false);
    QCOMPARE(z[0].dtype(), DType::Int64);
  }
  void broadcasting() {
    // [2,3] ^ scalar 2 and [2,3] ^ [3].
    Tensor m = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6});
    NC_CHECK(OpCase("Pow")
                 .input(m, "x")
                 .input(Tensor::scalar(2), "y")
                 .expect(Tensor::fromFloats({2, 3}, {1, 4, 9, 16, 25, 36}))
                 .check());
    NC_CHECK(OpCase("Pow")
                 .input(m, "x")
                 .input(Tensor::fromFloats({3}, {1, 2, 3}), "y")
                 .expect(Tensor::fromFloats({2, 3}, {1, 4, 27, 4, 25, 216}))
                 .check());
    Tensor a = uniform({3, 1, 5}, 0.1f, 3, 1), b = uniform({4, 5}, -2, 2, 2);
    NC_CHECK(opCase(a, b).check());
    NC_CHECK(opCase(a, b).checkOnnx());
  }
  void shapeErrors() {
    Graph g;
    NodeId a = addShapedInput(g, "x", {2, 3}), b = addShapedInput(g, "y", {2});
    NodeId op = g.addNode("Pow", "pow");
    g.connect({a, 0}, {op, 0});
    QCOMPARE(diagnosticOf(g, "pow"), std::string());
    g.connect({b, 0}, {op, 1});
    const std::string d = diagnosticOf(g, "pow");
    QVERIFY2(contains(d, "'pow'") && contains(d, "[2, 3]") && contains(d, "[2]"), d.c_str());
    // int64 exponent on a float base is fine and keeps float32.
    Graph h;
    NodeId x = addShapedInput(h, "x", {2, 3}), y = addShapedInput(h, "y", {3}, DType::Int64);
    NodeId p = h.addNode("Pow", "pow");
    h.connect({x, 0}, {p, 0});
    h.connect({y, 0}, {p, 1});
    ShapeInfo info = inferShapes(h);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({p, 0})->toString(), std::string("float32[2, 3]"));
  }
  void properties() {
    QVERIFY(rc::check("Pow: reference == oracle over random broadcast pairs", [] {
      auto [sa, sb] = genBroadcastPair();
      Tensor a = *genTensorOfShape(sa, 0.0f, 4.0f), b = *genTensorOfShape(sb, -3.0f, 3.0f);
      RC_ASSERT(opCase(a, b).check() == "");
    }));
    QVERIFY(checkN("Pow: ONNX Runtime agrees", 10, [] {
      auto [sa, sb] = genBroadcastPair();
      Tensor a = *genTensorOfShape(sa, 0.1f, 4.0f), b = *genTensorOfShape(sb, -3.0f, 3.0f);
      RC_ASSERT(opCase(a, b).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestPow)
#include "test_pow.moc"
