// Constant: outputs its value; its value is static for shape inference (Resize scales from a
// Constant node give a static output shape); ONNX round trip and value_* import.
#include <onnx/onnx_pb.h>

#include <QtTest>

#include "core/evaluator.h"
#include "core/onnx_io.h"
#include "core/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

class TestConstant : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void value() {
    Tensor v = Tensor::fromFloats({2, 3}, {1, -2, 3, -4, 5, -6});
    OpCase c("Constant");
    c.attr("value", v).expect(Tensor::fromFloats({2, 3}, {1, -2, 3, -4, 5, -6}));
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
  }
  // Constant -> Resize.scales: the output shape is static; X -> Resize -> Output runs in ORT.
  void feedsResizeScales() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 2, 3, 5});
    NodeId k = g.addNode("Constant", "scales");
    g.setAttr(k, "value", Tensor::fromFloats({4}, {1, 1, 2, 1.5f}));
    NodeId r = g.addNode("Resize", "resize");
    NodeId o = g.addNode("Output", "y");
    g.connect({x, 0}, {r, 0});
    g.connect({k, 0}, {r, 2});
    g.connect({r, 0}, {o, 0});
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({r, 0})->dims, (Shape{1, 2, 6, 7}));
    NC_CHECK(checkGraphWithOrt(g, {{"x", randn({1, 2, 3, 5}, 1)}}));
  }
  void importValueInts() {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(13);
    auto* gp = m.mutable_graph();
    gp->set_name("t");
    auto* n = gp->add_node();
    n->set_op_type("Constant");
    const std::string out = "y";
    n->add_output(out);
    auto* a = n->add_attribute();
    a->set_name("value_ints");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(4);
    a->add_ints(-7);
    gp->add_output()->set_name(out);
    std::string bytes;
    m.SerializeToString(&bytes);
    std::vector<Tensor> y = evaluate(importModelBytes(bytes));
    NC_CHECK(compareTensors(y.at(0), Tensor::fromInt64({2}, {4, -7})));
  }
};

QTEST_APPLESS_MAIN(TestConstant)
#include "test_constant.moc"
