// Clip (opset 11+ form): Y = min(max(X, min), max) with optional scalar min/max inputs.
// Hand-computed values, a formula oracle, ONNX Runtime (bounds as graph inputs and as
// initializers, either one absent), shape errors, and the refusal of the opset-6 attribute form.
#include <onnx/onnx_pb.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/onnx/import.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
Tensor clipOracle(const Tensor& x, double lo, double hi) {
  return unaryOracle(x, [=](double v) { return std::min(std::max(v, lo), hi); });
}

// A one-node Clip model in the opset-6 form (min/max as attributes).
std::string opset6ClipModel() {
  onnx::ModelProto m;
  m.set_ir_version(3);
  m.add_opset_import()->set_version(6);
  auto* g = m.mutable_graph();
  g->set_name("clip6");
  auto* n = g->add_node();
  n->set_op_type("Clip");
  n->set_name("old_clip");
  n->add_input("x");
  n->add_output("y");
  auto* a = n->add_attribute();
  a->set_name("min");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(-1);
  for (auto* vi : {g->add_input(), g->add_output()}) {
    vi->set_name(vi == &g->input(0) ? "x" : "y");
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_value(3);
  }
  return m.SerializeAsString();
}
}  // namespace

class TestClip : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({5}, {-2, -1, 0, 1, 2});
    NC_CHECK(OpCase("Clip")
                 .input(x, "x")
                 .input(Tensor::scalar(-1), "lo")
                 .input(Tensor::scalar(1), "hi")
                 .expect(Tensor::fromFloats({5}, {-1, -1, 0, 1, 1}))
                 .check());
    NC_CHECK(OpCase("Clip")
                 .input(x, "x")
                 .constant(Tensor::scalar(0.5f))
                 .constant(Tensor::scalar(1.5f))
                 .expect(Tensor::fromFloats({5}, {0.5f, 0.5f, 0.5f, 1, 1.5f}))
                 .checkOnnx());
  }
  // Absent bounds: no min, no max, neither.
  void optionalBounds() {
    Tensor x = uniform({3, 5, 7}, -10, 10, 1);
    OpCase onlyMin =
        OpCase("Clip").input(x, "x").constant(Tensor::scalar(0)).expect(clipOracle(x, 0, kInf));
    NC_CHECK(onlyMin.check());
    NC_CHECK(onlyMin.checkOnnx());
    OpCase onlyMax = OpCase("Clip")
                         .input(x, "x")
                         .none()
                         .constant(Tensor::scalar(2))
                         .expect(clipOracle(x, -kInf, 2));
    NC_CHECK(onlyMax.check());
    NC_CHECK(onlyMax.checkOnnx());
    OpCase neither = OpCase("Clip").input(x, "x").expect(x);
    NC_CHECK(neither.check());
    NC_CHECK(neither.checkOnnx());
  }
  // min > max: every element becomes max (ONNX: min(max(x, min), max)).
  void minAboveMax() {
    Tensor x = Tensor::fromFloats({3}, {-5, 0, 5});
    NC_CHECK(OpCase("Clip")
                 .input(x, "x")
                 .constant(Tensor::scalar(2))
                 .constant(Tensor::scalar(1))
                 .expect(Tensor::fromFloats({3}, {1, 1, 1}))
                 .check());
    // A one-element 1-D bound is accepted like a scalar.
    NC_CHECK(OpCase("Clip")
                 .input(x, "x")
                 .constant(Tensor::fromFloats({1}, {-1}))
                 .constant(Tensor::fromFloats({1}, {1}))
                 .expect(Tensor::fromFloats({3}, {-1, 0, 1}))
                 .check());
  }
  void shapeErrors() {
    Graph g;
    NodeId x = addShapedInput(g, "x", {2, 3});
    NodeId op = g.addNode("Clip", "clip");
    g.connect({x, 0}, {op, 0});
    QCOMPARE(diagnosticOf(g, "clip"), std::string());
    g.setConstant(op, 1, Tensor::fromFloats({2}, {0, 1}));
    ShapeInfo info = inferShapes(g);
    const Diagnostic* d = info.diagnosticFor(op);
    QVERIFY(d);
    QCOMPARE(d->input, 1);
    QVERIFY2(contains(d->message, "'clip'") && contains(d->message, "'min'") &&
                 contains(d->message, "[2]") && contains(d->message, "[2, 3]"),
             d->message.c_str());
    g.setConstant(op, 1, Tensor::scalar(0));
    g.setConstant(op, 2, Tensor::fromInt64({}, {1}));
    const std::string t = diagnosticOf(g, "clip");
    QVERIFY2(contains(t, "'max'") && contains(t, "int64"), t.c_str());
    // float32 only: an int64 input is named with its type.
    Graph h;
    NodeId xi = addShapedInput(h, "x", {4}, DType::Int64);
    NodeId c = h.addNode("Clip", "clip");
    h.connect({xi, 0}, {c, 0});
    const std::string u = diagnosticOf(h, "clip");
    QVERIFY2(contains(u, "'clip'") && contains(u, "int64[4]"), u.c_str());
  }
  // Opset 6 passed min/max as attributes; we refuse it by version, naming node, op and opset.
  void rejectsOpset6AttributeForm() {
    try {
      importModelBytes(opset6ClipModel());
      QFAIL("an opset-6 Clip was imported");
    } catch (const Error& e) {
      const std::string m = e.what();
      QVERIFY2(contains(m, "old_clip") && contains(m, "opset 6") && contains(m, "11"), m.c_str());
    }
  }
  void properties() {
    QVERIFY(rc::check("Clip: fast == reference == oracle", [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      const float lo = *rc::gen::inRange(-8, 8) * 0.5f, hi = lo + *rc::gen::inRange(0, 10) * 0.5f;
      RC_ASSERT(OpCase("Clip")
                    .input(x, "x")
                    .constant(Tensor::scalar(lo))
                    .constant(Tensor::scalar(hi))
                    .expect(clipOracle(x, lo, hi))
                    .check() == "");
    }));
    QVERIFY(checkN("Clip: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor(-10.0f, 10.0f);
      const float lo = *rc::gen::inRange(-8, 8) * 0.5f, hi = lo + *rc::gen::inRange(0, 10) * 0.5f;
      RC_ASSERT(OpCase("Clip")
                    .input(x, "x")
                    .input(Tensor::scalar(lo), "lo")
                    .input(Tensor::scalar(hi), "hi")
                    .checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestClip)
#include "test_clip.moc"
