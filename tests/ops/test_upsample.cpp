// Upsample (opset 9, deprecated): hand-computed nearest and linear, export as Resize, import of
// opset-9 models checked against ONNX Runtime on the original file, properties, bad inputs.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>
#include <cmath>

#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/tensor_proto.h"
#include "core/ops/upsample.h"
#include "core/tensor/memory_budget.h"
#include "tools/ort/ort_bridge.h"
#include "core/eval/shape_inference.h"
#include "tests/support/expect_error.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

Tensor scalesOf(std::vector<float> v) { return Tensor::fromFloats({int64_t(v.size())}, v); }

OpCase upsample(const Tensor& x, std::vector<float> scales, const std::string& mode = "nearest") {
  OpCase c("Upsample");
  c.attr("mode", mode).input(x, "x").constant(scalesOf(std::move(scales)));
  return c;
}

std::string diagnostic(const OpCase& c) {
  Graph g = c.graph();
  ShapeInfo info = inferShapes(g);
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

// An opset-9 model with one Upsample node, scales as an initializer.
std::string upsample9Model(const std::string& mode, const Shape& xShape, const Tensor& scales) {
  onnx::ModelProto m;
  m.set_ir_version(4);
  m.add_opset_import()->set_version(9);
  auto* g = m.mutable_graph();
  g->set_name("t");
  auto* n = g->add_node();
  n->set_op_type("Upsample");
  n->set_name("up");
  n->add_input("x");
  n->add_input("scales");
  n->add_output("y");
  auto* a = n->add_attribute();
  a->set_name("mode");
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(mode);
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : xShape)
    in->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  g->add_initializer()->ParseFromString(tensorToProtoBytes(scales, "scales"));
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

const Tensor k2x2 = Tensor::fromFloats({1, 1, 2, 2}, {1, 2, 3, 4});

}  // namespace

class TestUpsample : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // The ONNX example: 2x3 nearest repeats each value in a 2x3 block.
  void nearest() {
    Tensor y = Tensor::fromFloats(
        {1, 1, 4, 6}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
    NC_CHECK(upsample(k2x2, {1, 1, 2, 3}).expect(y).check());
    NC_CHECK(upsample(k2x2, {1, 1, 2, 3}).checkOnnx());
    // Non-integer scale: floor(x / 1.5) picks 0, 0, 1 for 3 outputs of 2.
    Tensor y15 = Tensor::fromFloats({1, 1, 3, 3}, {1, 1, 2, 1, 1, 2, 3, 3, 4});
    NC_CHECK(upsample(k2x2, {1, 1, 1.5f, 1.5f}).expect(y15).check());
    NC_CHECK(upsample(k2x2, {1, 1, 1.5f, 1.5f}).checkOnnx());
  }
  // Linear, asymmetric: x_original = x / 2 = 0, 0.5, 1, 1.5 (the last clamps to the edge).
  void linear() {
    Tensor y =
        Tensor::fromFloats({1, 1, 4, 4}, {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
    NC_CHECK(upsample(k2x2, {1, 1, 2, 2}, "linear").expect(y).check());
    NC_CHECK(upsample(k2x2, {1, 1, 2, 2}, "linear").checkOnnx());
  }
  // Export writes a Resize node (Upsample is deprecated at opsets 17/18), valid at both.
  void exportsAsResize() {
    OpCase c = upsample(randn({1, 3, 5, 4}, 2), {1, 1, 2, 2});
    onnx::ModelProto m;
    QVERIFY(m.ParseFromString(exportModelBytes(c.graph())));
    QCOMPARE(m.graph().node_size(), 1);
    QCOMPARE(m.graph().node(0).op_type(), std::string("Resize"));
    NC_CHECK(checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 18));
  }
  // An opset-9 model imports as an Upsample node and evaluates as ONNX Runtime runs the file.
  void importOpset9() {
    Tensor x = randn({1, 2, 3, 5}, 3);
    for (const char* mode : {"nearest", "linear"}) {
      Tensor scales = scalesOf({1, 1, 2, 2.5f});
      std::string bytes = upsample9Model(mode, x.shape(), scales);
      Graph g = importModelBytes(bytes);
      const Node* n = g.findByName("up");
      QVERIFY(n && n->op == "Upsample");
      std::vector<Tensor> ours = evaluate(g, {{"x", x}});
      QCOMPARE(ours[0].shape(), (Shape{1, 2, 6, 12}));
      std::string path = tempPath(".onnx");
      writeFileAtomic(path, bytes);
      OrtResult ort = runOrt(path, {{"x", x}});
      NC_CHECK(compareTensors(ours[0], ort.outputs[0], {1e-5, 1e-5}));
    }
  }
  void badInputs() {
    std::string d = diagnostic(upsample(k2x2, {2, 2}));
    QVERIFY2(d.find("node 'op' (Upsample)") != std::string::npos &&
                 d.find("'scales' has shape [2]") != std::string::npos &&
                 d.find("[1, 1, 2, 2]") != std::string::npos,
             d.c_str());
    d = diagnostic(upsample(k2x2, {1, 1, 0.5f, 2}));
    QVERIFY2(d.find("must be >= 1") != std::string::npos, d.c_str());
    OpCase unbound("Upsample");
    unbound.input(k2x2, "x");
    QCOMPARE(diagnostic(unbound), std::string());  // half-built: unknown, no error
  }
  // A scale of 1e9 (issue #12): one clear error before any table is built (the budget is fixed
  // so that the test does not depend on the machine's memory).
  void hostileScales() {
    ScopedMemoryBudget budget(int64_t(1) << 30);
    const OpCase huge = upsample(k2x2, {1e9f, 1, 1, 1});
    const std::string d = diagnostic(huge);
    QVERIFY2(d.find("node 'op' (Upsample)") != std::string::npos &&
                 d.find("[1000000000, 1, 2, 2]") != std::string::npos &&
                 d.find("memory budget") != std::string::npos,
             d.c_str());
    Graph g;
    NodeId id = g.addNode("Upsample");
    for (const char* mode : {"nearest", "linear"}) {
      g.setAttr(id, "mode", std::string(mode));
      AttrReader reader(upsampleOp(), nodeInfo(g.node(id)));
      for (const KernelFactory& make : {upsampleOp().fast, upsampleOp().reference}) {
        const std::string m =
            errorOf([&] { make(reader)->compute(std::vector<Tensor>{k2x2, scalesOf({1e9f, 1, 1, 1})}); });
        QVERIFY2(m.find("Upsample output of shape [1000000000, 1, 2, 2]") != std::string::npos &&
                     m.find("memory budget") != std::string::npos,
                 m.c_str());
      }
    }
    const std::string e = errorOf([&] { evaluate(huge.graph(), huge.feeds()); });
    QVERIFY2(e.find("node 'op' (Upsample)") != std::string::npos && e.find("memory budget") != std::string::npos,
             e.c_str());
  }

  void properties() {
    auto gen = [](bool ortSafe) {
      const std::string mode = *rc::gen::inRange(0, 2) ? "linear" : "nearest";
      Shape shape = *genShape(1, 4, 7);
      size_t fixedOuter = 0;
      if (ortSafe && mode == "linear") {  // ONNX Runtime: linear on 2-D, 3-D or NCHW with N, C kept
        while (shape.size() < 2) shape.push_back(*rc::gen::inRange(1, 8));
        if (shape.size() == 4) fixedOuter = 2;
      }
      std::vector<float> scales;
      for (size_t i = 0; i < shape.size(); ++i) {
        float s = i < fixedOuter ? 1.0f : float(*rc::gen::inRange(8, 33)) / 8;
        // ONNX Runtime copies an axis whose length stays, whatever its scale.
        if (ortSafe && std::floor(float(shape[i]) * s) == float(shape[i])) s = 1.0f;
        scales.push_back(s);
      }
      return upsample(*genTensorOfShape(shape, -5.0f, 5.0f), scales, mode);
    };
    QVERIFY(rc::check("upsample: fast == reference", [&] { RC_ASSERT(gen(false).check() == ""); }));
    QVERIFY(checkN("upsample: ONNX Runtime agrees (exported as Resize)", 10,
                   [&] { RC_ASSERT(gen(true).checkOnnx() == ""); }));
  }
};

QTEST_APPLESS_MAIN(TestUpsample)
#include "test_upsample.moc"
