// Constant: output = value. `value` (a tensor) is the canonical form; on import the ONNX
// shorthands value_float(s)/value_int(s) become a `value` tensor, while sparse and string values
// are refused with a message. Checked by evaluation, shape inference, ONNX Runtime and import.
#include <onnx/onnx_pb.h>

#include <QtTest>
#include <functional>

#include "core/eval/evaluator.h"
#include "core/onnx/import.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// Model: Constant (attributes set by `fill`) -> graph output "y" (declared float, shape unset).
std::string constantModel(const std::function<void(onnx::NodeProto&)>& fill, int opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("const");
  auto* n = g->add_node();
  n->set_op_type("Constant");
  n->set_name("c");
  n->add_output("y");
  fill(*n);
  auto* o = g->add_output();
  o->set_name("y");
  o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return m.SerializeAsString();
}
onnx::AttributeProto* attr(onnx::NodeProto& n, const std::string& name,
                           onnx::AttributeProto::AttributeType t) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(t);
  return a;
}
Tensor importedValue(const std::string& bytes) {
  Graph g = importModelBytes(bytes);
  const Node* c = g.findByName("c");
  if (!c || c->op != "Constant" || !c->attrs.count("value"))
    throw Error("no Constant with a value");
  return std::get<Tensor>(c->attrs.at("value"));
}
std::string importError(const std::string& bytes) {
  try {
    importModelBytes(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "imported without error";
}
}  // namespace

class TestConstant : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void evaluatesAndExports() {
    Tensor v = Tensor::fromFloats({2, 3}, {1, -2, 3.5f, 0, 5, 6});
    NC_CHECK(OpCase("Constant").attr("value", v).expect(v).check());
    NC_CHECK(OpCase("Constant").attr("value", v).checkOnnx());
    Tensor i = Tensor::fromInt64({3}, {1, -2, 30000000000});
    NC_CHECK(OpCase("Constant").attr("value", i).expect(i).check());
    NC_CHECK(OpCase("Constant")
                 .attr("value", Tensor::scalar(2.5f))
                 .expect(Tensor::scalar(2.5f))
                 .checkOnnx());
  }
  // The value is known to shape inference and feeds downstream ops (Constant -> Add).
  void shapeInferenceAndDownstream() {
    Graph g;
    NodeId c = g.addNode("Constant", "c");
    QVERIFY(contains(diagnosticOf(g, "c"), "'value'"));  // required attribute missing
    g.setAttr(c, "value", Tensor::fromFloats({3}, {1, 2, 3}));
    NodeId x = addShapedInput(g, "x", {2, 3});
    NodeId add = g.addNode("Add", "add"), out = g.addNode("Output", "y");
    g.connect({x, 0}, {add, 0});
    g.connect({c, 0}, {add, 1});
    g.connect({add, 0}, {out, 0});
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({c, 0})->toString(), std::string("float32[3]"));
    QVERIFY(info.values.count({c, 0}));
    Tensor xv = Tensor::fromFloats({2, 3}, {10, 20, 30, 40, 50, 60});
    std::vector<Tensor> y = evaluate(g, {{"x", xv}});
    NC_CHECK(compareTensors(y[0], Tensor::fromFloats({2, 3}, {11, 22, 33, 41, 52, 63})));
    NC_CHECK(checkGraphWithOrt(g, {{"x", xv}}));
  }
  void importsShorthands() {
    Tensor f = importedValue(constantModel([](onnx::NodeProto& n) {
      attr(n, "value_float", onnx::AttributeProto::FLOAT)->set_f(1.5f);
    }));
    NC_CHECK(compareTensors(f, Tensor::scalar(1.5f)));
    Tensor fs = importedValue(constantModel([](onnx::NodeProto& n) {
      auto* a = attr(n, "value_floats", onnx::AttributeProto::FLOATS);
      for (float v : {1.0f, -2.0f, 3.0f}) a->add_floats(v);
    }));
    NC_CHECK(compareTensors(fs, Tensor::fromFloats({3}, {1, -2, 3})));
    Tensor i = importedValue(constantModel(
        [](onnx::NodeProto& n) { attr(n, "value_int", onnx::AttributeProto::INT)->set_i(-7); }));
    QCOMPARE(i.dtype(), DType::Int64);
    QCOMPARE(i.shape(), Shape{});
    QCOMPARE(i.i64()[0], int64_t(-7));
    Tensor is = importedValue(constantModel([](onnx::NodeProto& n) {
      auto* a = attr(n, "value_ints", onnx::AttributeProto::INTS);
      for (int64_t v : {4, 5}) a->add_ints(v);
    }));
    QCOMPARE(is.shape(), Shape{2});
    QCOMPARE(is.i64()[1], int64_t(5));
    // The canonical form survives an export -> import round trip.
    NC_CHECK(OpCase("Constant").attr("value", fs).expect(fs).checkOnnx());
  }
  void rejectsUnsupportedValues() {
    std::string m = importError(constantModel([](onnx::NodeProto& n) {
      auto* a = attr(n, "sparse_value", onnx::AttributeProto::SPARSE_TENSOR);
      a->mutable_sparse_tensor()->add_dims(4);
    }));
    QVERIFY2(contains(m, "'c'") && contains(m, "sparse_value") && contains(m, "sparse"), m.c_str());
    m = importError(constantModel([](onnx::NodeProto& n) {
      attr(n, "value_string", onnx::AttributeProto::STRING)->set_s("hi");
    }));
    QVERIFY2(contains(m, "'c'") && contains(m, "value_string") && contains(m, "not supported"),
             m.c_str());
    m = importError(constantModel([](onnx::NodeProto& n) {
      attr(n, "value_strings", onnx::AttributeProto::STRINGS)->add_strings("a");
    }));
    QVERIFY2(contains(m, "'c'") && contains(m, "value_strings") && contains(m, "not supported"),
             m.c_str());
    m = importError(constantModel([](onnx::NodeProto& n) {
      attr(n, "value_float", onnx::AttributeProto::FLOAT)->set_f(1);
      attr(n, "value_int", onnx::AttributeProto::INT)->set_i(1);
    }));
    QVERIFY2(contains(m, "exactly one"), m.c_str());
  }
  void properties() {
    QVERIFY(rc::check("Constant: outputs its value for random shapes", [] {
      Tensor v = *genTensor();
      RC_ASSERT(OpCase("Constant").attr("value", v).expect(v, {0, 0}).check() == "");
    }));
    QVERIFY(checkN("Constant: ONNX Runtime agrees", 10, [] {
      Tensor v = *genTensor();
      RC_ASSERT(OpCase("Constant").attr("value", v).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestConstant)
#include "test_constant.moc"
