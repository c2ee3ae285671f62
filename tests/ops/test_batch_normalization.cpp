// BatchNormalization: the seed plan's tests 1-6 and 9 (7 and 8, with Conv, live with Conv), N-D
// inputs, shape diagnostics, and the seed's batchnorm_inputs property; ONNX Runtime throughout.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>
#include <cmath>

#include "core/eval/evaluator.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

struct BnParams {
  Tensor scale, bias, mean, var;
};

// Independent oracle: the ONNX formula in double, per element.
Tensor bnOracle(const Tensor& x, const BnParams& p, double eps) {
  if (x.rank() < 2) return {};  // no expectation for invalid cases
  const int64_t n = x.dim(0), c = x.dim(1), inner = x.numel() / (n * c);
  for (const Tensor* t : {&p.scale, &p.bias, &p.mean, &p.var})
    if (t->numel() != c) return {};
  Tensor y(DType::Float32, x.shape());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t k = (b * c + ch) * inner + i;
        y.f32()[k] =
            float(double(p.scale.f32()[ch]) * (double(x.f32()[k]) - double(p.mean.f32()[ch])) /
                      std::sqrt(double(p.var.f32()[ch]) + eps) +
                  double(p.bias.f32()[ch]));
      }
  return y;
}

// Params as node-owned constants (how a trained layer looks) or as graph inputs (the seed's form).
OpCase bnCase(const Tensor& x, const BnParams& p, std::optional<float> eps, bool paramsAsInputs,
              Tolerance tol = {}) {
  OpCase c("BatchNormalization");
  if (eps) c.attr("epsilon", *eps);
  c.input(x, "x");
  const Tensor* ps[] = {&p.scale, &p.bias, &p.mean, &p.var};
  const char* names[] = {"scale", "bias", "mean", "var"};
  for (int i = 0; i < 4; ++i) {
    if (paramsAsInputs)
      c.input(*ps[i], names[i]);
    else
      c.constant(*ps[i]);
  }
  if (Tensor y = bnOracle(x, p, eps ? double(*eps) : 1e-5); !y.empty()) c.expect(y, tol);
  return c;
}

Tensor filled(int64_t c, float v) {
  return Tensor::fromFloats({c}, std::vector<float>(size_t(c), v));
}

BnParams identityParams(int64_t c) {
  return {filled(c, 1), filled(c, 0), filled(c, 0), filled(c, 1)};
}

}  // namespace

class TestBatchNormalization : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Seed test 1: 1x2x2x2, per-channel mean/var; values checked against a hand calculation:
  // (x - 2.5) / sqrt(1.25 + 1e-5) for channel 0 and (x - 6.5) / sqrt(1.25 + 1e-5) for channel 1
  // (1e-6 tolerance: tight enough to see epsilon, which moves the values by 5e-6).
  void basic() {
    Tensor x = Tensor::fromFloats({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    BnParams p{filled(2, 1), filled(2, 0), Tensor::fromFloats({2}, {2.5f, 6.5f}), filled(2, 1.25f)};
    OpCase c = bnCase(x, p, 1e-5f, true);
    NC_CHECK(c.check());
    std::vector<Tensor> y = c.run(false);
    QCOMPARE(y[0].shape(), x.shape());
    const float hand[] = {-1.34163542f, -0.44721181f, 0.44721181f, 1.34163542f};
    for (int i = 0; i < 8; ++i)
      QVERIFY2(std::fabs(y[0].f32()[i] - hand[i % 4]) < 1e-6f,
               qPrintable(QString::number(y[0].f32()[i])));
    NC_CHECK(c.checkOnnx());
  }

  // Seed test 2: scale [0.5, 1, 2], bias [0.1, 0.2, 0.3]; channel 0 against the formula, rtol 1e-5.
  void scaleAndBias() {
    Tensor x = randn({2, 3, 4, 4}, 2);
    BnParams p{Tensor::fromFloats({3}, {0.5f, 1.0f, 2.0f}),
               Tensor::fromFloats({3}, {0.1f, 0.2f, 0.3f}), filled(3, 0), filled(3, 1)};
    OpCase c = bnCase(x, p, 1e-5f, true);
    NC_CHECK(c.check());
    std::vector<Tensor> y = c.run(false);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t i = 0; i < 16; ++i) {
        int64_t k = b * 48 + i;  // channel 0 of batch b
        double expected = 0.5 * double(x.f32()[k]) / std::sqrt(1.0 + 1e-5) + 0.1;
        QVERIFY(std::fabs(double(y[0].f32()[k]) - expected) <= 1e-5 * std::fabs(expected) + 1e-7);
      }
    // Channels 1 and 2 really use their own scale and bias.
    QVERIFY(std::fabs(double(y[0].f32()[16]) -
                      (double(x.f32()[16]) / std::sqrt(1.0 + 1e-5) + 0.2)) < 1e-6);
    QVERIFY(std::fabs(double(y[0].f32()[32]) -
                      (2.0 * double(x.f32()[32]) / std::sqrt(1.0 + 1e-5) + 0.3)) < 1e-5);
    NC_CHECK(c.checkOnnx());
  }

  // Seed test 3: 8x16x8x8, all batches normalised with the same per-channel statistics.
  void multipleBatches() {
    Tensor x = randn({8, 16, 8, 8}, 3);
    OpCase c = bnCase(x, identityParams(16), 1e-5f, false);
    NC_CHECK(c.check());
    QCOMPARE(c.run(false)[0].shape(), (Shape{8, 16, 8, 8}));
    NC_CHECK(c.checkOnnx());
  }

  // Seed test 4: ONNX export, 2x3x8x8, every parameter a graph input.
  void onnxBasic() {
    OpCase c = bnCase(randn({2, 3, 8, 8}, 4), identityParams(3), 1e-5f, true);
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
  }

  // Seed test 5: pretrained-like parameters, 64 channels, stored as initializers.
  void onnxPretrained() {
    BnParams p{uniform({64}, 0.8f, 1.2f, 51), uniform({64}, -0.1f, 0.1f, 52),
               uniform({64}, -0.5f, 0.5f, 53), uniform({64}, 0.5f, 2.0f, 54)};
    OpCase c = bnCase(randn({1, 64, 16, 16}, 5), p, std::nullopt, false);  // default epsilon
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
  }

  // Seed test 6: epsilon 1e-3 is carried into the exported node and changes the result.
  void onnxEpsilon() {
    Tensor x = randn({2, 8, 4, 4}, 6);
    OpCase c = bnCase(x, identityParams(8), 1e-3f, true);
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
    onnx::ModelProto m;
    QVERIFY(m.ParseFromString(exportModelBytes(c.graph())));
    const onnx::NodeProto* bn = nullptr;
    for (auto& n : m.graph().node())
      if (n.op_type() == "BatchNormalization") bn = &n;
    QVERIFY(bn);
    bool found = false;
    for (auto& a : bn->attribute())
      if (a.name() == "epsilon") {
        found = true;
        QCOMPARE(a.type(), onnx::AttributeProto::FLOAT);
        QCOMPARE(a.f(), 1e-3f);
      }
    QVERIFY(found);
    // The attribute matters: the default epsilon gives measurably different numbers.
    Tensor other = bnOracle(x, identityParams(8), 1e-5);
    QVERIFY(!compareTensors(c.run(false)[0], other, {1e-6, 1e-6}).empty());
    // And it survives re-import.
    Graph back = importModelBytes(exportModelBytes(c.graph()));
    bool eps = false;
    for (NodeId id : back.nodeIds())
      if (back.node(id).op == "BatchNormalization")
        eps = std::get<float>(back.node(id).attrs.at("epsilon")) == 1e-3f;
    QVERIFY(eps);
  }

  // Seed test 9: tiny variances; epsilon keeps everything finite.
  void tinyVariance() {
    Tensor x = randn({1, 3, 8, 8}, 9);
    BnParams p = identityParams(3);
    p.var = Tensor::fromFloats({3}, {1e-10f, 1e-8f, 1e-6f});
    OpCase c = bnCase(x, p, 1e-5f, true, {1e-4, 1e-5});
    NC_CHECK(c.check());
    std::vector<Tensor> y = c.run(false);
    for (float v : y[0].floats()) QVERIFY(std::isfinite(v));
    // Channel 0: x / sqrt(1e-10 + 1e-5) ~ 316 x.
    QVERIFY(std::fabs(y[0].f32()[0] / x.f32()[0] - float(1.0 / std::sqrt(1e-10 + 1e-5))) < 1e-2f);
    NC_CHECK(c.checkOnnx({1e-3, 1e-4}));
  }

  // 2D (N, C) through 5D (N, C, D, H, W).
  void ranks() {
    const Shape shapes[] = {{5, 7}, {2, 3, 11}, {2, 3, 5, 7}, {2, 3, 2, 3, 4}};
    uint64_t seed = 100;
    for (const Shape& s : shapes) {
      int64_t c = s[1];
      BnParams p{uniform({c}, 0.5f, 2.0f, seed++), uniform({c}, -1, 1, seed++),
                 uniform({c}, -1, 1, seed++), uniform({c}, 0.1f, 3.0f, seed++)};
      OpCase oc = bnCase(randn(s, seed++), p, 1e-5f, false);
      NC_CHECK(oc.check());
      NC_CHECK(oc.checkOnnx());
    }
  }

  void shapeDiagnostics() {
    // scale has 4 values, X has 3 channels: the diagnostic names the node, the input and both
    // shapes.
    BnParams p = identityParams(3);
    p.scale = filled(4, 1);
    Graph g = bnCase(randn({2, 3, 5, 5}, 1), p, 1e-5f, false).graph();
    ShapeInfo info = inferShapes(g);
    QCOMPARE(info.diagnostics.size(), size_t(1));
    const Diagnostic& d = info.diagnostics[0];
    QCOMPARE(g.node(d.node).op, std::string("BatchNormalization"));
    QCOMPARE(d.input, 1);
    for (const char* needle : {"'op'", "'scale'", "[4]", "3 channels", "[2, 3, 5, 5]"})
      QVERIFY2(d.message.find(needle) != std::string::npos,
               (d.message + " lacks " + needle).c_str());
    // input_var of rank 2.
    BnParams q = identityParams(3);
    q.var = Tensor::fromFloats({3, 1}, {1, 1, 1});
    info = inferShapes(bnCase(randn({2, 3, 5, 5}, 1), q, 1e-5f, false).graph());
    QCOMPARE(info.diagnostics.size(), size_t(1));
    QCOMPARE(info.diagnostics[0].input, 4);
    QVERIFY2(info.diagnostics[0].message.find("'input_var'") != std::string::npos,
             info.diagnostics[0].message.c_str());
    // X of rank 1.
    info = inferShapes(
        bnCase(Tensor::fromFloats({3}, {1, 2, 3}), identityParams(3), 1e-5f, false).graph());
    QCOMPARE(info.diagnostics.size(), size_t(1));
    QVERIFY2(info.diagnostics[0].message.find("rank >= 2") != std::string::npos,
             info.diagnostics[0].message.c_str());
    // The kernels do not crash on the mismatched data either: an error value.
    Evaluator ev;
    ev.setFeed("x", randn({2, 3, 5, 5}, 1));
    for (bool reference : {false, true}) {
      ev.reset();
      EvalOptions o;
      o.reference = reference;
      EvalReport r = ev.run(g, o);
      QCOMPARE(r.errors.size(), size_t(1));
      QVERIFY2(r.errors[0].message.find("scale") != std::string::npos, r.errors[0].message.c_str());
    }
    // Unconnected X: unknown, not an error.
    Graph h;
    NodeId bn = h.addNode("BatchNormalization", "bn");
    h.setConstant(bn, 1, filled(3, 1));
    QVERIFY(inferShapes(h).diagnostics.empty());
  }

  // The seed's batchnorm_inputs strategy: N 1..4, C 1..16, H, W 4..20; var = |v| + 0.1.
  void properties() {
    auto genCase = [](bool asInputs) {
      int64_t n = *rc::gen::inRange(1, 5), c = *rc::gen::inRange(1, 17),
              h = *rc::gen::inRange(4, 21), w = *rc::gen::inRange(4, 21);
      Tensor x = *genTensorOfShape({n, c, h, w}, -10, 10);
      BnParams p{*genTensorOfShape({c}, -10, 10), *genTensorOfShape({c}, -10, 10),
                 *genTensorOfShape({c}, -10, 10), *genTensorOfShape({c}, -10, 10)};
      for (float& v : p.var.floats()) v = std::fabs(v) + 0.1f;
      return bnCase(x, p, 1e-5f, asInputs, {1e-4, 1e-5});
    };
    QVERIFY(rc::check("batchnorm: fast == reference == oracle",
                      [&] { RC_ASSERT(genCase(false).check() == ""); }));
    QVERIFY(checkN("batchnorm: ONNX Runtime agrees", 10, [&] {
      bool asInputs = *rc::gen::arbitrary<bool>();
      RC_ASSERT(genCase(asInputs).checkOnnx({1e-3, 1e-4}) == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestBatchNormalization)
#include "test_batch_normalization.moc"
