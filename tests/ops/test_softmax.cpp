// Softmax: hand-computed values, every axis, numerical stability with large inputs, rows summing
// to 1, ONNX Runtime, the pre-13 import rule, and diagnostics.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>
#include <cmath>

#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// The definition in double: exp(x - max) / sum exp(x - max) along the axis.
Tensor softmaxOracle(const Tensor& x, int64_t axis) {
  const int r = x.rank();
  const int ax = int(axis < 0 ? axis + r : axis);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < ax; ++i) outer *= x.dim(i);
  for (int i = ax + 1; i < r; ++i) inner *= x.dim(i);
  const int64_t n = x.dim(ax);
  Tensor y(DType::Float32, x.shape());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      auto at = [&](int64_t i) { return (o * n + i) * inner + j; };
      double mx = -INFINITY, sum = 0;
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, double(x.f32()[at(i)]));
      for (int64_t i = 0; i < n; ++i) sum += std::exp(double(x.f32()[at(i)]) - mx);
      for (int64_t i = 0; i < n; ++i)
        y.f32()[at(i)] = float(std::exp(double(x.f32()[at(i)]) - mx) / sum);
    }
  return y;
}

OpCase softmaxCase(const Tensor& x, std::optional<int64_t> axis = std::nullopt) {
  OpCase c("Softmax");
  if (axis) c.attr("axis", *axis);
  return c.input(x, "x").expect(softmaxOracle(x, axis.value_or(-1)), {1e-6, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

// A single-Softmax model exported by us, then rewritten to an older opset and axis.
std::string legacyModel(int opset, std::optional<int64_t> axis) {
  std::string bytes = exportModelBytes(softmaxCase(randn({2, 3}, 1)).graph());
  onnx::ModelProto m;
  m.ParseFromString(bytes);
  m.mutable_opset_import(0)->set_version(opset);
  auto* node = m.mutable_graph()->mutable_node(0);
  node->clear_attribute();
  if (axis) {
    auto* a = node->add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(*axis);
  }
  return m.SerializeAsString();
}

}  // namespace

class TestSoftmax : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    // softmax([1, 2, 3]) = [e^-2, e^-1, 1] / (e^-2 + e^-1 + 1)
    const double s = std::exp(-2.0) + std::exp(-1.0) + 1.0;
    Tensor expected = Tensor::fromFloats(
        {3}, {float(std::exp(-2.0) / s), float(std::exp(-1.0) / s), float(1.0 / s)});
    NC_CHECK(OpCase("Softmax").input(Tensor::fromFloats({3}, {1, 2, 3})).expect(expected).check());
    QVERIFY(std::fabs(expected.f32()[2] - 0.66524096f) < 1e-7f);
    // Equal inputs give a uniform distribution.
    NC_CHECK(OpCase("Softmax")
                 .input(Tensor::fromFloats({1, 4}, {7, 7, 7, 7}))
                 .expect(Tensor::fromFloats({1, 4}, {0.25f, 0.25f, 0.25f, 0.25f}))
                 .check());
  }
  void everyAxis() {
    Tensor x = randn({3, 4, 5}, 2);
    for (int64_t axis : {-3, -2, -1, 0, 1, 2}) {
      NC_CHECK(softmaxCase(x, axis).check());
      NC_CHECK(softmaxCase(x, axis).checkOnnx());
    }
  }
  void largeInputsStayFinite() {
    Tensor x = Tensor::fromFloats({2, 4}, {1000, 1001, 1002, 1003, -1000, -2000, -3000, 0});
    NC_CHECK(softmaxCase(x).check());
    for (bool ref : {false, true})
      for (float v : softmaxCase(x).run(ref)[0].floats()) QVERIFY(std::isfinite(v));
    NC_CHECK(softmaxCase(x).checkOnnx());
  }
  // The attention pattern of YOLO11's C2PSA: softmax over the last axis of [1, 2, 400, 400].
  void attentionShape() {
    Tensor x = randn({1, 2, 400, 400}, 3);
    NC_CHECK(softmaxCase(x).check());
    NC_CHECK(softmaxCase(x).checkOnnx());
  }
  void legacyImport() {
    // Opset 11 with axis=-1 means the same as opset 13: accepted.
    Graph g = importModelBytes(legacyModel(11, -1));
    QCOMPARE(g.size(), size_t(3));
    // Opset 11 with the default axis (1) coerces to 2-D: refused, naming opset and axis.
    for (auto axis : {std::optional<int64_t>(), std::optional<int64_t>(0)}) {
      try {
        importModelBytes(legacyModel(11, axis));
        QFAIL("a pre-13 Softmax with axis != -1 must be refused");
      } catch (const Error& e) {
        std::string m = e.what();
        QVERIFY2(m.find("opset 11") != std::string::npos && m.find("axis=") != std::string::npos,
                 m.c_str());
      }
    }
    // Opset 13: any axis.
    QCOMPARE(importModelBytes(legacyModel(13, 0)).size(), size_t(3));
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Softmax").attr("axis", int64_t(2)).input(randn({2, 3}, 1)));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("axis 2") != std::string::npos &&
                 d.find("[2, 3]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Softmax").input(Tensor::scalar(1)));
    QVERIFY2(d.find("rank >= 1") != std::string::npos, d.c_str());
  }
  void properties() {
    auto gen = [] {
      Tensor x = *genTensor(-20.0f, 20.0f);
      int64_t axis = *rc::gen::inRange<int64_t>(-x.rank(), x.rank());
      return std::pair(x, axis);
    };
    QVERIFY(rc::check("softmax: fast == reference == oracle; sums to 1 along the axis", [&] {
      auto [x, axis] = gen();
      RC_ASSERT(softmaxCase(x, axis).check() == "");
      Tensor y = softmaxCase(x, axis).run(false)[0];
      // Every slice along the axis sums to 1, so the total is the number of slices.
      const int ax = int(axis < 0 ? axis + x.rank() : axis);
      double total = 0;
      for (float v : y.floats()) total += v;
      RC_ASSERT(std::fabs(total - double(x.numel() / x.dim(ax))) < 1e-4 * double(x.numel()));
    }));
    QVERIFY(checkN("softmax: ONNX Runtime agrees", 10, [&] {
      auto [x, axis] = gen();
      RC_ASSERT(softmaxCase(x, axis).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestSoftmax)
#include "test_softmax.moc"
