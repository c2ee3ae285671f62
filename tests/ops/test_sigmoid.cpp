// Sigmoid: the seed plan's tests 1-5, a hand-calculated oracle, properties, and ONNX Runtime.
#include <QtTest>
#include <cmath>
#include <rapidcheck.h>

#include "core/eval/evaluator.h"
#include "core/ops/sigmoid.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// Independent oracle: the formula in double precision.
Tensor sigmoidOracle(const Tensor& x) {
  Tensor y(DType::Float32, x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y.f32()[i] = float(1.0 / (1.0 + std::exp(-double(x.f32()[i]))));
  return y;
}
OpCase sigmoidCase(const Tensor& x) { return OpCase("Sigmoid").input(x, "x").expect(sigmoidOracle(x)); }
}  // namespace

class TestSigmoid : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Seed test 1: [-10, -1, 0, 1, 10], values checked by hand as well.
  void basic() {
    Tensor x = Tensor::fromFloats({5}, {-10, -1, 0, 1, 10});
    NC_CHECK(sigmoidCase(x).check());
    std::vector<Tensor> y = sigmoidCase(x).run(false);
    QCOMPARE(y[0].f32()[2], 0.5f);
    QVERIFY(std::fabs(y[0].f32()[0] - 4.5397868e-05f) < 1e-9f);
    QVERIFY(std::fabs(y[0].f32()[1] - 0.26894142f) < 1e-7f);
    QVERIFY(std::fabs(y[0].f32()[3] - 0.73105858f) < 1e-7f);
    QVERIFY(std::fabs(y[0].f32()[4] - 0.9999546f) < 1e-7f);
    NC_CHECK(sigmoidCase(x).checkOnnx());
  }
  // Seed test 2: 2x3 matrix.
  void matrix() {
    Tensor x = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6});
    NC_CHECK(sigmoidCase(x).check());
    NC_CHECK(sigmoidCase(x).checkOnnx());
  }
  // Seed test 3: 4D CNN feature map 2x64x16x16.
  void tensor4d() {
    Tensor x = randn({2, 64, 16, 16}, 3);
    NC_CHECK(sigmoidCase(x).check());
    NC_CHECK(sigmoidCase(x).checkOnnx());
  }
  // Seed test 4: extreme values do not overflow; limits are exact.
  void numericalStability() {
    Tensor x = Tensor::fromFloats({7}, {-100, -50, -20, 0, 20, 50, 100});
    NC_CHECK(sigmoidCase(x).check());
    std::vector<Tensor> y = sigmoidCase(x).run(false);
    for (float v : y[0].floats()) QVERIFY(std::isfinite(v) && v >= 0.0f && v <= 1.0f);
    QCOMPARE(y[0].f32()[6], 1.0f);
    QVERIFY(y[0].f32()[0] < 1e-40f);
    NC_CHECK(sigmoidCase(x).checkOnnx());
  }
  // Seed test 5: the C2PSA gate, features * sigmoid(scores), at 1x256x20x20.
  void attentionPattern() {
    Graph g;
    NodeId f = g.addNode("Input", "features"), s = g.addNode("Input", "attention_scores");
    g.setAttr(f, "shape", Shape{1, 256, 20, 20});
    g.setAttr(s, "shape", Shape{1, 256, 20, 20});
    NodeId sig = g.addNode("Sigmoid"), mul = g.addNode("Mul"), out = g.addNode("Output", "weighted");
    g.connect({s, 0}, {sig, 0});
    g.connect({f, 0}, {mul, 0});
    g.connect({sig, 0}, {mul, 1});
    g.connect({mul, 0}, {out, 0});
    Tensor fv = randn({1, 256, 20, 20}, 1), sv = randn({1, 256, 20, 20}, 2);
    std::vector<Tensor> y = evaluate(g, {{"features", fv}, {"attention_scores", sv}});
    Tensor expected(DType::Float32, fv.shape());
    for (int64_t i = 0; i < fv.numel(); ++i)
      expected.f32()[i] = float(fv.f32()[i] / (1.0 + std::exp(-double(sv.f32()[i]))));
    NC_CHECK(compareTensors(y[0], expected));
    NC_CHECK(checkGraphWithOrt(g, {{"features", fv}, {"attention_scores", sv}}));
  }
  // The fast kernel (a branch-free vectorised loop) against the double-precision oracle over a
  // dense grid of [-100, 100] with rtol 1e-5, and IEEE specials: NaN stays NaN, +-inf give 1 and 0.
  void fastKernel() {
    Tensor x(DType::Float32, {40001});
    for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = float(i - 20000) * 0.005f;
    NC_CHECK(compareTensors(sigmoidFast(x), sigmoidOracle(x), {1e-30, 1e-5}));
    Tensor specials = Tensor::fromFloats({4}, {NAN, INFINITY, -INFINITY, -0.0f});
    Tensor y = sigmoidFast(specials);
    QVERIFY(std::isnan(y.f32()[0]));
    QCOMPARE(y.f32()[1], 1.0f);
    QCOMPARE(y.f32()[2], 0.0f);
    QCOMPARE(y.f32()[3], 0.5f);
  }
  void properties() {
    QVERIFY(rc::check("sigmoid: fast == reference == oracle, in (0,1)", [] {
      Tensor x = *genTensor(-30.0f, 30.0f);
      RC_ASSERT(sigmoidCase(x).check() == "");
    }));
    QVERIFY(checkN("sigmoid: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-30.0f, 30.0f);
      RC_ASSERT(sigmoidCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestSigmoid)
#include "test_sigmoid.moc"
