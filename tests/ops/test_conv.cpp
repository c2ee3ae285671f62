// Conv: hand-computed cases (the ONNX operator examples), an independent oracle (explicit zero
// padding, then a valid correlation), groups / depthwise / dilations / auto_pad / 1D / 3D,
// the weight cache of the oneDNN kernel, the seed plan's BatchNorm tests 7 and 8 (Conv ->
// BatchNorm [-> SiLU]), shape errors, and properties (fast == reference, ONNX Runtime).
#include <rapidcheck.h>

#include <QtTest>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/eval/evaluator.h"
#include "core/ops/conv.h"
#include "core/ops/util/dnnl_context.h"
#include "core/eval/shape_inference.h"
#include "tests/support/expect_error.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

using Ints = std::vector<int64_t>;

Tensor arange(const Shape& s) {
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = float(i);
  return t;
}
Tensor filled(const Shape& s, float v) {
  Tensor t(DType::Float32, s);
  for (float& x : t.floats()) x = v;
  return t;
}

// Independent 2D oracle: copy X into a zero tensor grown by the pads, then slide the kernel
// with no bounds checks at all. pads = {top, left, bottom, right}.
Tensor convOracle2d(const Tensor& x, const Tensor& w, const Tensor* b, Ints strides, Ints pads,
                    Ints dil, int64_t group) {
  const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t m = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
  const int64_t ph = h + pads[0] + pads[2], pw = wd + pads[1] + pads[3];
  std::vector<double> xp(size_t(n * c * ph * pw), 0.0);
  for (int64_t i = 0; i < n * c; ++i)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t z = 0; z < wd; ++z)
        xp[size_t((i * ph + y + pads[0]) * pw + z + pads[1])] = x.f32()[(i * h + y) * wd + z];
  const int64_t oh = (ph - (kh - 1) * dil[0] - 1) / strides[0] + 1;
  const int64_t ow = (pw - (kw - 1) * dil[1] - 1) / strides[1] + 1;
  Tensor out(DType::Float32, {n, m, oh, ow});
  const int64_t mg = m / group;
  for (int64_t b0 = 0; b0 < n; ++b0)
    for (int64_t o = 0; o < m; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          double s = b ? b->f32()[o] : 0.0;
          for (int64_t ci = 0; ci < cg; ++ci) {
            const int64_t ch = (o / mg) * cg + ci;
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t e = 0; e < kw; ++e)
                s += xp[size_t(((b0 * c + ch) * ph + y * strides[0] + a * dil[0]) * pw +
                               z * strides[1] + e * dil[1])] *
                     double(w.f32()[((o * cg + ci) * kh + a) * kw + e]);
          }
          out.f32()[((b0 * m + o) * oh + y) * ow + z] = float(s);
        }
  return out;
}

// A Conv case with 2D attributes set explicitly and its oracle expectation.
OpCase conv2dCase(const Tensor& x, const Tensor& w, const Tensor* b, Ints strides, Ints pads,
                  Ints dil, int64_t group) {
  OpCase c("Conv");
  c.attr("strides", strides).attr("pads", pads).attr("dilations", dil).attr("group", group);
  c.input(x, "x").constant(w);
  if (b) c.constant(*b);
  // Our pads are [top, left, bottom, right] too (begin values, then end values).
  c.expect(convOracle2d(x, w, b, strides, pads, dil, group), {1e-4, 1e-5});
  return c;
}

std::string firstDiagnostic(const Graph& g) {
  ShapeInfo info = inferShapes(g);
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestConv : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // ONNX's Conv example: 5x5 ramp, 3x3 ones, with and without padding (values worked by hand:
  // the top-left padded window is 0+1+5+6 = 12, the centre valid window 6+7+8+11+...+18 = 108).
  void basicConv() {
    Tensor x = arange({1, 1, 5, 5}), w = filled({1, 1, 3, 3}, 1.0f);
    Tensor padded = Tensor::fromFloats({1, 1, 5, 5},
                                       {12,  21, 27, 33,  24,  33,  54,  63, 72,  51,  63,  99, 108,
                                        117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84});
    OpCase withPad = OpCase("Conv")
                         .attr("kernel_shape", Ints{3, 3})
                         .attr("pads", Ints{1, 1, 1, 1})
                         .input(x, "x")
                         .constant(w)
                         .expect(padded);
    NC_CHECK(withPad.check());
    NC_CHECK(withPad.checkOnnx());
    Tensor valid = Tensor::fromFloats({1, 1, 3, 3}, {54, 63, 72, 99, 108, 117, 144, 153, 162});
    OpCase noPad = OpCase("Conv").input(x, "x").constant(w).expect(valid);
    NC_CHECK(noPad.check());
    NC_CHECK(noPad.checkOnnx());
  }
  // ONNX's strided examples on a 7x5 ramp: symmetric pads 1 and asymmetric pads [1,0,1,0].
  void stridesAndAsymmetricPads() {
    Tensor x = arange({1, 1, 7, 5}), w = filled({1, 1, 3, 3}, 1.0f);
    OpCase sym = OpCase("Conv")
                     .attr("strides", Ints{2, 2})
                     .attr("pads", Ints{1, 1, 1, 1})
                     .input(x, "x")
                     .constant(w)
                     .expect(Tensor::fromFloats(
                         {1, 1, 4, 3}, {12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124}));
    NC_CHECK(sym.check());
    NC_CHECK(sym.checkOnnx());
    OpCase asym =
        OpCase("Conv")
            .attr("strides", Ints{2, 2})
            .attr("pads", Ints{1, 0, 1, 0})
            .input(x, "x")
            .constant(w)
            .expect(Tensor::fromFloats({1, 1, 4, 2}, {21, 33, 99, 117, 189, 207, 171, 183}));
    NC_CHECK(asym.check());
    NC_CHECK(asym.checkOnnx());
  }
  void groupsDepthwiseDilationsBias() {
    Tensor x = uniform({2, 6, 11, 9}, -1, 1, 1);
    Tensor b3 = uniform({3}, -1, 1, 2), b6 = uniform({6}, -1, 1, 3), b12 = uniform({12}, -1, 1, 4);
    // group 3: 6 channels -> 3 outputs, 2 input channels each.
    OpCase g3 =
        conv2dCase(x, uniform({3, 2, 3, 3}, -1, 1, 5), &b3, {1, 2}, {1, 0, 2, 1}, {1, 1}, 3);
    NC_CHECK(g3.check());
    NC_CHECK(g3.checkOnnx());
    // Depthwise: group = C, one 3x3 filter per channel.
    OpCase dw =
        conv2dCase(x, uniform({6, 1, 3, 3}, -1, 1, 6), &b6, {1, 1}, {1, 1, 1, 1}, {1, 1}, 6);
    NC_CHECK(dw.check());
    NC_CHECK(dw.checkOnnx());
    // Depthwise with channel multiplier 2 and dilation 2.
    OpCase dw2 =
        conv2dCase(x, uniform({12, 1, 3, 3}, -1, 1, 7), &b12, {2, 1}, {2, 2, 2, 2}, {2, 2}, 6);
    NC_CHECK(dw2.check());
    NC_CHECK(dw2.checkOnnx());
    // Dense, dilation (3, 2), no bias.
    OpCase dil =
        conv2dCase(x, uniform({5, 6, 2, 3}, -1, 1, 8), nullptr, {1, 1}, {0, 0, 0, 0}, {3, 2}, 1);
    NC_CHECK(dil.check());
    NC_CHECK(dil.checkOnnx());
  }
  // auto_pad: SAME_UPPER puts the odd pad at the end, SAME_LOWER at the beginning; out =
  // ceil(in/stride).
  void autoPad() {
    Tensor x = uniform({1, 2, 6, 7}, -1, 1, 9), w = uniform({3, 2, 3, 3}, -1, 1, 10);
    // H: in 6, stride 2 -> out 3, total pad (3-1)*2+3-6 = 1. W: in 7, stride 2 -> out 4, total
    // (4-1)*2+3-7 = 2.
    Tensor upper = convOracle2d(x, w, nullptr, {2, 2}, {0, 1, 1, 1}, {1, 1}, 1);
    Tensor lower = convOracle2d(x, w, nullptr, {2, 2}, {1, 1, 0, 1}, {1, 1}, 1);
    QVERIFY(upper.shape() == (Shape{1, 3, 3, 4}));
    for (auto [mode, expected] : {std::pair{"SAME_UPPER", upper}, std::pair{"SAME_LOWER", lower}}) {
      OpCase c = OpCase("Conv")
                     .attr("auto_pad", std::string(mode))
                     .attr("strides", Ints{2, 2})
                     .input(x, "x")
                     .constant(w)
                     .expect(expected, {1e-4, 1e-5});
      NC_CHECK(c.check());
      NC_CHECK(c.checkOnnx());
    }
    // VALID ignores pads entirely.
    OpCase valid =
        OpCase("Conv")
            .attr("auto_pad", std::string("VALID"))
            .input(x, "x")
            .constant(w)
            .expect(convOracle2d(x, w, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1), {1e-4, 1e-5});
    NC_CHECK(valid.check());
    NC_CHECK(valid.checkOnnx());
  }
  // 1D is the 2D oracle with H = 1; 3D is checked by hand on a ramp and against ONNX Runtime.
  void conv1dAnd3d() {
    Tensor x = uniform({2, 3, 13}, -1, 1, 11), w = uniform({4, 3, 3}, -1, 1, 12);
    Tensor expected = convOracle2d(x.reshaped({2, 3, 1, 13}), w.reshaped({4, 3, 1, 3}), nullptr,
                                   {1, 2}, {0, 2, 0, 1}, {1, 2}, 1);
    OpCase c1 = OpCase("Conv")
                    .attr("strides", Ints{2})
                    .attr("pads", Ints{2, 1})
                    .attr("dilations", Ints{2})
                    .input(x, "x")
                    .constant(w)
                    .expect(expected.reshaped({2, 4, expected.dim(3)}), {1e-4, 1e-5});
    NC_CHECK(c1.check());
    NC_CHECK(c1.checkOnnx());
    // 3x3x3 ramp, 2x2x2 ones: each output is the sum of a 2x2x2 block; the first is
    // 0+1+3+4+9+10+12+13 = 52 and each step adds 8 (x), 24 (y), 72 (z).
    Tensor x3 = arange({1, 1, 3, 3, 3}), w3 = filled({1, 1, 2, 2, 2}, 1.0f);
    OpCase c3 = OpCase("Conv").input(x3, "x").constant(w3).expect(
        Tensor::fromFloats({1, 1, 2, 2, 2}, {52, 60, 76, 84, 124, 132, 148, 156}));
    NC_CHECK(c3.check());
    NC_CHECK(c3.checkOnnx());
    OpCase c3b = OpCase("Conv")
                     .attr("strides", Ints{2, 1, 2})
                     .attr("pads", Ints{1, 0, 1, 1, 1, 0})
                     .attr("group", int64_t(2))
                     .input(uniform({1, 4, 5, 4, 7}, -1, 1, 13), "x")
                     .constant(uniform({6, 2, 3, 2, 3}, -1, 1, 14))
                     .constant(uniform({6}, -1, 1, 15));
    NC_CHECK(c3b.check());
    NC_CHECK(c3b.checkOnnx());
  }
  // kernel_shape is optional; when set it must agree with W.
  void kernelShape() {
    Tensor x = uniform({1, 2, 5, 5}, -1, 1, 16), w = uniform({2, 2, 3, 1}, -1, 1, 17);
    OpCase ok =
        OpCase("Conv")
            .attr("kernel_shape", Ints{3, 1})
            .input(x, "x")
            .constant(w)
            .expect(convOracle2d(x, w, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1), {1e-4, 1e-5});
    NC_CHECK(ok.check());
    NC_CHECK(ok.checkOnnx());
    std::string msg = firstDiagnostic(
        OpCase("Conv").attr("kernel_shape", Ints{3, 3}).input(x, "x").constant(w).graph());
    QVERIFY2(msg.find("kernel_shape [3, 3]") != std::string::npos &&
                 msg.find("[2, 2, 3, 1]") != std::string::npos,
             msg.c_str());
  }
  // The oneDNN kernel caches primitives per shape and reordered weights per weight tensor: an
  // edited W, a new input shape and a switch back must all give fresh, correct numbers.
  void fastKernelCaches() {
    Graph g = OpCase("Conv")
                  .attr("pads", Ints{1, 1, 1, 1})
                  .input(uniform({1, 8, 9, 9}, -1, 1, 18), "x")
                  .constant(uniform({16, 8, 3, 3}, -1, 1, 19))
                  .graph();
    const NodeId conv = g.findByName("op")->id, xin = g.findByName("x")->id;
    Evaluator ev;
    auto check = [&](const Tensor& x, const Tensor& w) {
      ev.setFeed("x", x);
      QVERIFY(ev.run(g).ok());
      Tensor expected = convOracle2d(x, w, nullptr, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1);
      NC_CHECK(compareTensors(*ev.output({conv, 0}), expected, {1e-4, 1e-5}));
    };
    Tensor x1 = uniform({1, 8, 9, 9}, -1, 1, 20), w1 = uniform({16, 8, 3, 3}, -1, 1, 21);
    g.setConstant(conv, 1, w1);
    check(x1, w1);
    Tensor w2 = uniform({16, 8, 3, 3}, -1, 1, 22);
    g.setConstant(conv, 1, w2);
    check(x1, w2);
    Tensor x2 = uniform({1, 8, 13, 7}, -1, 1, 23);
    g.setAttr(xin, "shape", Shape{1, 8, 13, 7});
    check(x2, w2);
    check(x1, w2);
    // An in-place-looking edit: a fresh tensor with new values at the old shape.
    Tensor w3 = w2.clone();
    w3.f32()[0] += 1.0f;
    const uint64_t built = dnnlPrimitivesCreated();
    g.setConstant(conv, 1, w3);
    check(x1, w3);
    // Neither the weight edit nor a new input at a shape seen before re-created a primitive
    // (JIT); editing an unrelated node does not either.
    check(x2, w3);
    const NodeId other = g.addNode("Sigmoid", "other");
    g.connect({conv, 0}, {other, 0});
    g.setName(other, "other2");
    check(x2, w3);
    QCOMPARE(dnnlPrimitivesCreated(), built);
    // A new input shape builds exactly one new primitive set.
    check(uniform({1, 8, 11, 5}, -1, 1, 24), w3);
    QCOMPARE(dnnlPrimitivesCreated(), built + 1);
  }
  // Seed plan BatchNorm test 7: Conv 16x3x3x3 (valid, no flip) on 1x3x10x10 -> BatchNorm with
  // scale 1, bias 0, mean 0, var 1: y = conv / sqrt(1 + 1e-5).
  void seedConvBatchNorm() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 3, 10, 10});
    NodeId conv = g.addNode("Conv", "conv"), bn = g.addNode("BatchNormalization", "bn"),
           out = g.addNode("Output", "y");
    Tensor w = randn({16, 3, 3, 3}, 24), xv = randn({1, 3, 10, 10}, 25);
    g.setConstant(conv, 1, w);
    g.setConstant(bn, 1, filled({16}, 1.0f));
    g.setConstant(bn, 2, filled({16}, 0.0f));
    g.setConstant(bn, 3, filled({16}, 0.0f));
    g.setConstant(bn, 4, filled({16}, 1.0f));
    g.connect({x, 0}, {conv, 0});
    g.connect({conv, 0}, {bn, 0});
    g.connect({bn, 0}, {out, 0});
    Tensor expected = convOracle2d(xv, w, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1);
    QVERIFY(expected.shape() == (Shape{1, 16, 8, 8}));
    for (float& v : expected.floats()) v = float(double(v) / std::sqrt(1.0 + 1e-5));
    for (bool reference : {false, true}) {
      std::vector<Tensor> y = evaluate(g, {{"x", xv}}, reference);
      NC_CHECK(compareTensors(y[0], expected, {1e-4, 1e-5}));
    }
    NC_CHECK(checkGraphWithOrt(g, {{"x", xv}}));
  }
  // Seed plan BatchNorm test 8: the full C3k2 layer at YOLO11n size, Conv 512x256x3x3 (valid) on
  // 1x256x20x20 -> BatchNorm (ones/zeros) -> SiLU, against ONNX Runtime on the exported file.
  // Tolerance: with N(0,1) inputs and weights each output sums 2304 products and |y| reaches ~218,
  // so the partial sums are in the hundreds and float32 rounding (6e-8 each) accumulates to a few
  // 1e-4 absolute in any summation order. Measured on this data: oneDNN vs ONNX Runtime max
  // |diff| 4.0e-4 (at y = 174, i.e. 2.3e-6 relative), ONNX Runtime vs our double-accumulating
  // reference 5.3e-5. The seed's 1e-4 is therefore taken relative to the output's scale:
  // rtol 1e-4 with atol 1e-3 (5e-6 of the output range), which the measured error uses to 40%.
  void seedFullC3k2Layer() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 256, 20, 20});
    NodeId conv = g.addNode("Conv", "conv"), bn = g.addNode("BatchNormalization", "bn"),
           act = g.addNode("SiLU", "act");
    NodeId out = g.addNode("Output", "y");
    Tensor w = randn({512, 256, 3, 3}, 26), xv = randn({1, 256, 20, 20}, 27);
    g.setConstant(conv, 1, w);
    g.setConstant(bn, 1, filled({512}, 1.0f));
    g.setConstant(bn, 2, filled({512}, 0.0f));
    g.setConstant(bn, 3, filled({512}, 0.0f));
    g.setConstant(bn, 4, filled({512}, 1.0f));
    g.connect({x, 0}, {conv, 0});
    g.connect({conv, 0}, {bn, 0});
    g.connect({bn, 0}, {act, 0});
    g.connect({act, 0}, {out, 0});
    std::vector<Tensor> fast = evaluate(g, {{"x", xv}}, false),
                        ref = evaluate(g, {{"x", xv}}, true);
    QVERIFY(fast[0].shape() == (Shape{1, 512, 18, 18}));
    NC_CHECK(compareTensors(fast[0], ref[0], {1e-3, 1e-4}));
    // Spot-check the reference against the oracle on the first output channel.
    Tensor oneFilter(DType::Float32, {1, 256, 3, 3});
    std::copy(w.f32(), w.f32() + 256 * 9, oneFilter.f32());
    Tensor conv0 = convOracle2d(xv, oneFilter, nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1);
    for (int64_t i = 0; i < conv0.numel(); ++i) {
      const double v = double(conv0.f32()[i]) / std::sqrt(1.0 + 1e-5);
      const double silu = v / (1.0 + std::exp(-v));
      QVERIFY(std::fabs(ref[0].f32()[i] - silu) <= 1e-4 + 1e-5 * std::fabs(silu));
    }
    NC_CHECK(checkGraphWithOrt(g, {{"x", xv}}, {1e-3, 1e-4}));
  }
  void badInputs() {
    Tensor x = uniform({1, 4, 5, 5}, -1, 1, 28);
    // W's input channels * group != X channels.
    std::string msg = firstDiagnostic(
        OpCase("Conv").input(x, "x").constant(uniform({2, 3, 3, 3}, -1, 1, 29)).graph());
    QVERIFY2(msg.find("node 'op' (Conv)") != std::string::npos &&
                 msg.find("'W'") != std::string::npos &&
                 msg.find("[2, 3, 3, 3]") != std::string::npos &&
                 msg.find("[1, 4, 5, 5]") != std::string::npos,
             msg.c_str());
    msg = firstDiagnostic(OpCase("Conv")
                              .attr("group", int64_t(2))
                              .input(x, "x")
                              .constant(uniform({2, 4, 3, 3}, -1, 1, 30))
                              .graph());
    QVERIFY2(
        msg.find("group 2") != std::string::npos && msg.find("[2, 4, 3, 3]") != std::string::npos,
        msg.c_str());
    // Bias of the wrong size.
    msg = firstDiagnostic(OpCase("Conv")
                              .input(x, "x")
                              .constant(uniform({2, 4, 3, 3}, -1, 1, 31))
                              .constant(uniform({3}, -1, 1, 32))
                              .graph());
    QVERIFY2(msg.find("'B'") != std::string::npos && msg.find("[3]") != std::string::npos,
             msg.c_str());
    // W of the wrong rank.
    msg = firstDiagnostic(
        OpCase("Conv").input(x, "x").constant(uniform({2, 4, 3}, -1, 1, 33)).graph());
    QVERIFY2(msg.find("'W'") != std::string::npos && msg.find("[2, 4, 3]") != std::string::npos,
             msg.c_str());
    // Kernel larger than the padded input.
    msg = firstDiagnostic(
        OpCase("Conv").input(x, "x").constant(uniform({2, 4, 7, 7}, -1, 1, 34)).graph());
    QVERIFY2(msg.find("larger than the padded input") != std::string::npos &&
                 msg.find("[1, 4, 5, 5]") != std::string::npos,
             msg.c_str());
    // Attribute lists of the wrong length.
    msg = firstDiagnostic(OpCase("Conv")
                              .attr("strides", Ints{1, 1, 1})
                              .input(x, "x")
                              .constant(uniform({2, 4, 3, 3}, -1, 1, 35))
                              .graph());
    QVERIFY2(
        msg.find("strides") != std::string::npos && msg.find("2 spatial dims") != std::string::npos,
        msg.c_str());
    // Half-built graph: W unbound gives an unknown channel count, not an error.
    Graph g = OpCase("Conv").input(x, "x").graph();
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    // A kernel given bad data directly throws instead of crashing.
    AttrReader reader(convOp(), nodeInfo(g.node(g.findByName("op")->id)));
    std::vector<Tensor> bad = {x, uniform({2, 3, 3, 3}, -1, 1, 36), Tensor()};
    QVERIFY_THROWS_EXCEPTION(Error, convOp().fast(reader)->compute(bad));
    QVERIFY_THROWS_EXCEPTION(Error, convOp().reference(reader)->compute(bad));
    // group 0 is a shape error and must not divide by zero in a kernel.
    Graph g0 = OpCase("Conv")
                   .attr("group", int64_t(0))
                   .input(x, "x")
                   .constant(uniform({2, 4, 3, 3}, -1, 1, 37))
                   .graph();
    msg = firstDiagnostic(g0);
    QVERIFY2(msg.find("'group' must be >= 1") != std::string::npos, msg.c_str());
    AttrReader reader0(convOp(), nodeInfo(g0.node(g0.findByName("op")->id)));
    std::vector<Tensor> good = {x, uniform({2, 4, 3, 3}, -1, 1, 38), Tensor()};
    QVERIFY_THROWS_EXCEPTION(Error, convOp().reference(reader0)->compute(good));
    QVERIFY_THROWS_EXCEPTION(Error, convOp().fast(reader0)->compute(good));
  }
  // Hostile pads (issue #12): the output size is checked with overflow-checked arithmetic in
  // shape inference and in both kernels before any output, oneDNN primitive or loop is built. Pads
  // of 1e8 - 1e9 used to spend minutes in oneDNN's primitive creation and end in bad_alloc; pads
  // of INT64_MAX overflowed silently and returned zeros.
  void hostilePads() {
    const Tensor x = uniform({1, 1, 3, 3}, -1, 1, 60), w = uniform({1, 1, 3, 3}, -1, 1, 61);
    for (int64_t pad : {int64_t(100000000), int64_t(1000000000), INT64_MAX / 2, INT64_MAX}) {
      const bool overflows = pad >= INT64_MAX / 2;
      const std::string needle = overflows ? "overflows int64" : "memory budget";
      OpCase c("Conv");
      c.attr("pads", Ints{pad, pad, pad, pad}).input(x, "x").constant(w);
      const auto t0 = std::chrono::steady_clock::now();
      const std::string d = firstDiagnostic(c.graph());
      QVERIFY2(d.find("node 'op' (Conv)") != std::string::npos && d.find(needle) != std::string::npos,
               d.c_str());
      Graph g = c.graph();
      AttrReader reader(convOp(), nodeInfo(g.node(g.findByName("op")->id)));
      for (const KernelFactory& make : {convOp().fast, convOp().reference}) {
        const std::string m = errorOf([&] { make(reader)->compute(std::vector<Tensor>{x, w, Tensor()}); });
        QVERIFY2(m.find(needle) != std::string::npos, m.c_str());
        if (!overflows)  // names the output and its size
          QVERIFY2(m.find("Conv output of shape [1, 1, ") != std::string::npos && m.find("elements") != std::string::npos,
                   m.c_str());
      }
      // Through the evaluator the error names the node.
      const std::string e = errorOf([&] { evaluate(g, c.feeds()); });
      QVERIFY2(e.find("node 'op' (Conv)") != std::string::npos && e.find(needle) != std::string::npos, e.c_str());
      std::printf("pads %lld: one error in %.1f ms\n", static_cast<long long>(pad),
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  }

  void properties() {
    // Random 1D-3D convolutions with odd sizes, strides, pads, dilations and groups.
    // forOrt: ONNX Runtime refuses dilations with SAME_* padding ("Dilation not supported for
    // AutoPadType::SAME_UPPER"), which ONNX allows; those cases only run against our reference.
    auto genCase = [](bool forOrt) {
      const int spatial = *rc::gen::inRange(1, 4);
      const int64_t group = *rc::gen::inRange(1, 4), cg = *rc::gen::inRange(1, 4),
                    mg = *rc::gen::inRange(1, 4);
      const int64_t n = *rc::gen::inRange(1, 3);
      Ints in, k, s, d, pads(size_t(2 * spatial));
      for (int i = 0; i < spatial; ++i) {
        in.push_back(*rc::gen::inRange<int64_t>(1, spatial == 3 ? 8 : 14));
        k.push_back(*rc::gen::inRange<int64_t>(1, 4));
        s.push_back(*rc::gen::inRange<int64_t>(1, 4));
        d.push_back(*rc::gen::inRange<int64_t>(1, 3));
        pads[size_t(i)] = *rc::gen::inRange<int64_t>(0, 3);
        pads[size_t(i + spatial)] = *rc::gen::inRange<int64_t>(0, 3);
        RC_PRE(in.back() + pads[size_t(i)] + pads[size_t(i + spatial)] >=
               (k.back() - 1) * d.back() + 1);
      }
      const std::string autoPad = *rc::gen::elementOf(
          std::vector<std::string>{"NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"});
      if (forOrt && autoPad.rfind("SAME", 0) == 0) {
        std::fill(d.begin(), d.end(), 1);
        // ...and fails on SAME_* where the total pad (out-1)*stride + kernel - in is negative
        // (ONNX clamps it to 0).
        for (size_t i = 0; i < in.size(); ++i)
          RC_PRE(((in[i] + s[i] - 1) / s[i] - 1) * s[i] + k[i] >= in[i]);
      }
      if (autoPad == "VALID")
        for (int i = 0; i < spatial; ++i)
          RC_PRE(in[size_t(i)] >= (k[size_t(i)] - 1) * d[size_t(i)] + 1);
      Shape xs = {n, group * cg}, ws = {group * mg, cg};
      xs.insert(xs.end(), in.begin(), in.end());
      ws.insert(ws.end(), k.begin(), k.end());
      OpCase c("Conv");
      c.attr("strides", s).attr("dilations", d).attr("group", group).attr("auto_pad", autoPad);
      if (autoPad == "NOTSET") c.attr("pads", pads);
      c.input(*genTensorOfShape(xs, -1.0f, 1.0f), "x").constant(*genTensorOfShape(ws, -1.0f, 1.0f));
      if (*rc::gen::arbitrary<bool>()) c.constant(*genTensorOfShape({group * mg}, -1.0f, 1.0f));
      return c;
    };
    QVERIFY(rc::check("conv: fast (oneDNN) == reference",
                      [&] { RC_ASSERT(genCase(false).check() == ""); }));
    QVERIFY(rc::check("conv 2D: reference == padded-input oracle", [] {
      const int64_t group = *rc::gen::inRange(1, 4), cg = *rc::gen::inRange(1, 4),
                    mg = *rc::gen::inRange(1, 4);
      const Ints s = {*rc::gen::inRange<int64_t>(1, 4), *rc::gen::inRange<int64_t>(1, 4)};
      const Ints d = {*rc::gen::inRange<int64_t>(1, 3), *rc::gen::inRange<int64_t>(1, 3)};
      const Ints pads = {*rc::gen::inRange<int64_t>(0, 3), *rc::gen::inRange<int64_t>(0, 3),
                         *rc::gen::inRange<int64_t>(0, 3), *rc::gen::inRange<int64_t>(0, 3)};
      const int64_t h = *rc::gen::inRange<int64_t>(1, 14), w = *rc::gen::inRange<int64_t>(1, 14);
      const int64_t kh = *rc::gen::inRange<int64_t>(1, 4), kw = *rc::gen::inRange<int64_t>(1, 4);
      RC_PRE(h + pads[0] + pads[2] >= (kh - 1) * d[0] + 1 &&
             w + pads[1] + pads[3] >= (kw - 1) * d[1] + 1);
      Tensor x = *genTensorOfShape({1, group * cg, h, w}, -1.0f, 1.0f);
      Tensor wt = *genTensorOfShape({group * mg, cg, kh, kw}, -1.0f, 1.0f);
      Tensor b = *genTensorOfShape({group * mg}, -1.0f, 1.0f);
      RC_ASSERT(conv2dCase(x, wt, &b, s, pads, d, group).check() == "");
    }));
    QVERIFY(checkN("conv: ONNX Runtime agrees", 10,
                   [&] { RC_ASSERT(genCase(true).checkOnnx() == ""); }));
  }
};

QTEST_APPLESS_MAIN(TestConv)
#include "test_conv.moc"
