// SiLU (Swish): y = x * sigmoid(x). The seed plan's SiLU tests 1-10 (test 9, the C3k2 block, with
// the convolution computed by hand here since Conv is another op), a RapidCheck property, the
// export as Sigmoid -> Mul, and its recognition on import.
#include <onnx/onnx_pb.h>

#include <QtTest>
#include <cmath>

#include "core/blocks/recognize.h"
#include "core/eval/evaluator.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/ops/silu.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// Independent oracle: x / (1 + exp(-x)) in double.
double siluD(double x) { return x / (1.0 + std::exp(-x)); }
OpCase siluCase(const Tensor& x, Tolerance tol = {}) {
  return OpCase("SiLU").input(x, "x").expect(unaryOracle(x, siluD), tol);
}

// Input "x" of `shape` -> SiLU -> Output "y".
Graph siluGraph(const Shape& shape) {
  Graph g;
  NodeId x = addShapedInput(g, "x", shape);
  NodeId s = g.addNode("SiLU", "act"), y = g.addNode("Output", "y");
  g.connect({x, 0}, {s, 0});
  g.connect({s, 0}, {y, 0});
  return g;
}

// The exported model must be exactly Sigmoid(x) -> Mul(x, sigmoid): no SiLU node anywhere.
std::string checkDecomposition(const std::string& bytes) {
  onnx::ModelProto m;
  if (!m.ParseFromString(bytes)) return "export is not a model";
  const auto& g = m.graph();
  if (g.node_size() != 2) return "expected 2 nodes, got " + std::to_string(g.node_size());
  const auto &sig = g.node(0), &mul = g.node(1);
  if (sig.op_type() != "Sigmoid" || mul.op_type() != "Mul")
    return "nodes are " + sig.op_type() + ", " + mul.op_type();
  if (sig.input(0) != "x") return "Sigmoid does not read x";
  const bool wired = (mul.input(0) == "x" && mul.input(1) == sig.output(0)) ||
                     (mul.input(1) == "x" && mul.input(0) == sig.output(0));
  if (!wired) return "Mul does not multiply x by the Sigmoid output";
  if (mul.output(0) != "y") return "Mul does not produce the graph output";
  return {};
}

std::vector<std::string> opsOf(const Graph& g) {
  std::vector<std::string> ops;
  for (NodeId id : g.nodeIds())
    if (g.node(id).op != "Input" && g.node(id).op != "Output") ops.push_back(g.node(id).op);
  return ops;
}

// Seed tests 6-8: export, decomposition, ONNX Runtime, and re-import both ways.
void exportCase(const Tensor& x) {
  Graph g = siluGraph(x.shape());
  const std::string bytes = exportModelBytes(g);
  NC_CHECK(checkDecomposition(bytes));
  NC_CHECK(checkGraphWithOrt(g, {{"x", x}}));
  Graph raw = importModelBytes(bytes);
  QCOMPARE(opsOf(raw), (std::vector<std::string>{"Sigmoid", "Mul"}));
  Graph recognised = blocks::openModelBytes(bytes);
  QCOMPARE(opsOf(recognised), std::vector<std::string>{"SiLU"});
  NC_CHECK(compareTensors(evaluate(raw, {{"x", x}})[0], unaryOracle(x, siluD)));
}
}  // namespace

class TestSilu : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Seed test 1: scalar inputs, rtol 1e-5 against x * sigmoid(x).
  void scalarBasic() {
    for (float v : {-2.0f, -1.0f, 0.0f, 1.0f, 2.0f}) {
      const double expected = double(v) * (1.0 / (1.0 + std::exp(-double(v))));
      NC_CHECK(OpCase("SiLU")
                   .input(Tensor::scalar(v), "x")
                   .expect(Tensor::scalar(float(expected)), {0, 1e-5})
                   .check());
      QVERIFY(std::fabs(silu(v) - expected) <= 1e-5 * std::fabs(expected));
    }
    QVERIFY(std::fabs(silu(1.0f) - 0.7310586f) < 1e-6f);  // by hand: 1 / (1 + e^-1)
  }
  // Seed test 2: the derivative at x = 1 against the hand formula, and a central difference.
  void derivative() {
    const double s = 1.0 / (1.0 + std::exp(-1.0));
    const double expected = s * (1.0 + 1.0 * (1.0 - s));  // 0.9276705
    QVERIFY(std::fabs(siluDerivative(1.0f) - expected) <= 1e-5 * expected);
    QVERIFY(std::fabs(expected - 0.92767051) < 1e-7);
    for (double x : {-3.0, -0.5, 0.0, 2.0}) {
      const double h = 1e-4, fd = (siluD(x + h) - siluD(x - h)) / (2 * h);
      QVERIFY(std::fabs(siluDerivative(float(x)) - fd) < 1e-5);
    }
  }
  // Seed test 3: f(0) == 0 exactly; finite at +-100 and +-1e4, in the scalar function and both
  // kernels.
  void edgeCases() {
    QCOMPARE(silu(0.0f), 0.0f);
    Tensor x = Tensor::fromFloats({5}, {0, -100, 100, -1e4f, 1e4f});
    for (bool reference : {true, false}) {
      std::vector<Tensor> y = siluCase(x).run(reference);
      QCOMPARE(y[0].f32()[0], 0.0f);
      for (float v : y[0].floats()) QVERIFY(std::isfinite(v));
      QCOMPARE(y[0].f32()[2], 100.0f);
      QCOMPARE(y[0].f32()[4], 1e4f);
      QVERIFY(std::fabs(y[0].f32()[1]) < 1e-30f && std::fabs(y[0].f32()[3]) < 1e-30f);
    }
    for (float v : {-100.0f, 100.0f, -1e4f, 1e4f}) QVERIFY(std::isfinite(silu(v)));
    NC_CHECK(siluCase(x).check());
  }
  // Seed test 4: vector, rtol 1e-5.
  void vector() {
    Tensor x = Tensor::fromFloats({5}, {-2, -1, 0, 1, 2});
    NC_CHECK(siluCase(x, {1e-7, 1e-5}).check());
    NC_CHECK(OpCase("SiLU")
                 .input(x, "x")
                 .expect(Tensor::fromFloats(
                             {5}, {-0.23840584f, -0.26894142f, 0, 0.73105858f, 1.7615942f}),
                         {1e-7, 1e-5})
                 .check());
  }
  // Seed test 5: 4D CNN feature map 2x64x16x16, rtol 1e-5.
  void tensor4d() { NC_CHECK(siluCase(randn({2, 64, 16, 16}, 5), {1e-6, 1e-5}).check()); }
  // Seed tests 6-8: ONNX export of a vector, a 10x20 matrix and a 2x64x16x16 map.
  void onnxBasic() { exportCase(Tensor::fromFloats({5}, {-2, -1, 0, 1, 2})); }
  void onnxMatrix() { exportCase(randn({10, 20}, 6)); }
  void onnx4d() { exportCase(randn({2, 64, 16, 16}, 7)); }
  // Seed test 9, the C3k2 block Conv -> BatchNorm -> SiLU: the 3x3 valid convolution of a 1x3x10x10
  // input by 16 filters is computed here (Conv belongs to another op), then fed through our
  // BatchNormalization -> SiLU and compared with the whole block computed in double, and with
  // ONNX Runtime.
  void c3k2Pattern() {
    Tensor x = randn({1, 3, 10, 10}, 8), w = randn({16, 3, 3, 3}, 9);
    Tensor conv(DType::Float32, {1, 16, 8, 8});
    std::vector<double> convD(size_t(conv.numel()));
    for (int o = 0; o < 16; ++o)
      for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) {
          double acc = 0;
          for (int c = 0; c < 3; ++c)
            for (int ki = 0; ki < 3; ++ki)
              for (int kj = 0; kj < 3; ++kj)
                acc += double(x.f32()[(c * 10 + i + ki) * 10 + j + kj]) *
                       double(w.f32()[((o * 3 + c) * 3 + ki) * 3 + kj]);
          convD[size_t((o * 8 + i) * 8 + j)] = acc;
          conv.f32()[(o * 8 + i) * 8 + j] = float(acc);
        }
    Tensor scale = uniform({16}, 0.5f, 1.5f, 10), bias = uniform({16}, -0.5f, 0.5f, 11),
           mean = uniform({16}, -1, 1, 12), var = uniform({16}, 0.5f, 2, 13);
    Graph g;
    NodeId in = addShapedInput(g, "conv_out", {1, 16, 8, 8});
    NodeId bn = g.addNode("BatchNormalization", "bn"), act = g.addNode("SiLU", "act"),
           out = g.addNode("Output", "y");
    g.setConstant(bn, 1, scale);
    g.setConstant(bn, 2, bias);
    g.setConstant(bn, 3, mean);
    g.setConstant(bn, 4, var);
    g.connect({in, 0}, {bn, 0});
    g.connect({bn, 0}, {act, 0});
    g.connect({act, 0}, {out, 0});
    Tensor expected(DType::Float32, {1, 16, 8, 8});
    for (int64_t k = 0; k < expected.numel(); ++k) {
      const size_t c = size_t(k / 64);
      const double b = double(scale.f32()[c]) * (convD[size_t(k)] - double(mean.f32()[c])) /
                           std::sqrt(double(var.f32()[c]) + 1e-5) +
                       double(bias.f32()[c]);
      expected.f32()[k] = float(siluD(b));
    }
    for (bool reference : {true, false})
      NC_CHECK(
          compareTensors(evaluate(g, {{"conv_out", conv}}, reference)[0], expected, {1e-4, 1e-4}));
    NC_CHECK(checkGraphWithOrt(g, {{"conv_out", conv}}));
  }
  // Seed test 10: numerical stability at [-100, -50, -10, 0, 10, 50, 100], with ONNX Runtime.
  void numericalStability() {
    Tensor x = Tensor::fromFloats({7}, {-100, -50, -10, 0, 10, 50, 100});
    NC_CHECK(siluCase(x).check());
    std::vector<Tensor> y = siluCase(x).run(false);
    for (float v : y[0].floats()) QVERIFY(std::isfinite(v));
    QCOMPARE(y[0].f32()[6], 100.0f);
    QCOMPARE(y[0].f32()[3], 0.0f);
    QVERIFY(std::fabs(y[0].f32()[2] - (-4.5397868e-4f)) < 1e-9f);
    NC_CHECK(siluCase(x).checkOnnx());
    exportCase(x);
  }
  // The fast kernel is accurate over the whole range |x| <= 1e4 (rtol 1e-5 against the oracle).
  void fastKernelRange() {
    Tensor x(DType::Float32, {20001});
    for (int64_t i = 0; i < x.numel(); ++i)
      x.f32()[i] = float(i - 10000) * (i % 7 == 0 ? 1.0f : 0.013f);
    NC_CHECK(compareTensors(siluFast(x), unaryOracle(x, siluD), {1e-30, 1e-5}));
    // IEEE specials as the reference gives them: NaN -> NaN, inf -> inf, -inf -> -inf * 0 = NaN.
    Tensor specials = Tensor::fromFloats({3}, {NAN, INFINITY, -INFINITY});
    NC_CHECK(compareTensors(siluFast(specials), OpCase("SiLU").input(specials, "x").run(true)[0]));
    QVERIFY(std::isnan(siluFast(specials).f32()[0]));
    QCOMPARE(siluFast(specials).f32()[1], INFINITY);
  }
  // Opening a model turns Sigmoid -> Mul on the same input into one SiLU; on different inputs it
  // is a gate (x * sigmoid(s)) and must stay Sigmoid + Mul.
  void importRecognition() {
    Graph same;
    {
      NodeId x = addShapedInput(same, "x", {2, 3});
      NodeId s = same.addNode("Sigmoid", "sig"), m = same.addNode("Mul", "mul"),
             y = same.addNode("Output", "y");
      same.connect({x, 0}, {s, 0});
      same.connect({s, 0}, {m, 0});  // sigmoid first: the order of Mul's inputs does not matter
      same.connect({x, 0}, {m, 1});
      same.connect({m, 0}, {y, 0});
    }
    Graph imported = blocks::openModelBytes(exportModelBytes(same));
    QCOMPARE(opsOf(imported), std::vector<std::string>{"SiLU"});
    Tensor xv = randn({2, 3}, 14);
    NC_CHECK(compareTensors(evaluate(imported, {{"x", xv}})[0], unaryOracle(xv, siluD)));

    Graph gate;
    {
      NodeId x = addShapedInput(gate, "x", {2, 3}), s = addShapedInput(gate, "scores", {2, 3});
      NodeId sig = gate.addNode("Sigmoid", "sig"), m = gate.addNode("Mul", "mul"),
             y = gate.addNode("Output", "y");
      gate.connect({s, 0}, {sig, 0});
      gate.connect({x, 0}, {m, 0});
      gate.connect({sig, 0}, {m, 1});
      gate.connect({m, 0}, {y, 0});
    }
    Graph importedGate = blocks::openModelBytes(exportModelBytes(gate));
    QCOMPARE(opsOf(importedGate), (std::vector<std::string>{"Sigmoid", "Mul"}));
    Tensor sv = randn({2, 3}, 15);
    NC_CHECK(compareTensors(
        evaluate(importedGate, {{"x", xv}, {"scores", sv}})[0],
        binaryOracle(xv, sv, [](double a, double b) { return a / (1.0 + std::exp(-b)); })));
  }
  void properties() {
    QVERIFY(rc::check("SiLU: fast == reference == oracle, |x| <= 1e4", [] {
      const Tensor generated = *genTensor(-30.0f, 30.0f);
      // Up to |x| = 9000, scaled into a fresh tensor (never in place: copies share storage).
      const float scale = *rc::gen::arbitrary<bool>() ? 300.0f : 1.0f;
      Tensor x(DType::Float32, generated.shape());
      for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = generated.f32()[i] * scale;
      RC_LOG() << "shape " << shapeToString(x.shape()) << ", max |x| " << maxAbs(x) << std::endl;
      RC_ASSERT(siluCase(x).check() == "");
      for (float v : siluFast(x).floats()) RC_ASSERT(std::isfinite(v));
    }));
    QVERIFY(checkN("SiLU: ONNX Runtime agrees on the Sigmoid -> Mul export", 10, [] {
      Tensor x = *genTensor(-30.0f, 30.0f);
      RC_ASSERT(siluCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestSilu)
#include "test_silu.moc"
