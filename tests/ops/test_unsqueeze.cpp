// Unsqueeze: axes as input and legacy attribute, negative and unsorted axes, int64 data, a
// squeeze round-trip property, ONNX Runtime, and diagnostics.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>

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

Tensor ints(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }

OpCase unsqueezeCase(const Tensor& x, const std::vector<int64_t>& axes, Shape expected,
                     bool attr = false) {
  OpCase c("Unsqueeze");
  if (attr) c.attr("axes", axes);
  c.input(x, "x");
  if (!attr) c.constant(ints(axes));
  return c.expect(x.clone().reshaped(expected), {0, 0});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestUnsqueeze : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void cases() {
    Tensor x = randn({3, 5}, 1);
    NC_CHECK(unsqueezeCase(x, {0}, {1, 3, 5}).check());
    NC_CHECK(unsqueezeCase(x, {-1}, {3, 5, 1}).check());
    NC_CHECK(unsqueezeCase(x, {3, 0}, {1, 3, 5, 1}).check());  // unsorted; positions in the output
    NC_CHECK(unsqueezeCase(x, {1, 3}, {3, 1, 5, 1}, true).check());
    NC_CHECK(unsqueezeCase(Tensor::scalar(2), {0}, {1}).check());
    NC_CHECK(unsqueezeCase(x, {3, 0}, {1, 3, 5, 1}).checkOnnx());
    NC_CHECK(
        unsqueezeCase(x, {-1, 1}, {3, 1, 5, 1}, true).checkOnnx());  // attribute -> initializer
    NC_CHECK(unsqueezeCase(Tensor::fromInt64({2}, {4, 5}), {0}, {1, 2}).checkOnnx());
    NC_CHECK(OpCase("Unsqueeze")
                 .input(x, "x")
                 .input(ints({1}), "axes")
                 .expect(x.clone().reshaped({3, 1, 5}))
                 .check());
    NC_CHECK(OpCase("Unsqueeze").input(x, "x").input(ints({1}), "axes").checkOnnx());
  }
  void inference() {
    Graph g = unsqueezeCase(randn({3, 5}, 1), {0, 3}, {1, 3, 5, 1}).graph();
    QCOMPARE(inferShapes(g).type({g.findByName("op")->id, 0})->dims, (Shape{1, 3, 5, 1}));
    // Axes fed at run time: rank known from their count, dims unknown.
    Graph h = OpCase("Unsqueeze").input(randn({3, 5}, 1), "x").input(ints({1}), "axes").graph();
    QCOMPARE(inferShapes(h).type({h.findByName("op")->id, 0})->dims, (Shape{-1, -1, -1}));
  }
  // Opset 11 carries axes as an attribute: import keeps it as our legacy attribute, and
  // export at opset 17 writes it back as an int64 input.
  void legacyImport() {
    Tensor x = randn({3, 5}, 4);
    OpCase c = unsqueezeCase(x, {0, 2}, {1, 3, 1, 5});
    onnx::ModelProto m;
    m.ParseFromString(exportModelBytes(c.graph()));
    m.mutable_opset_import(0)->set_version(11);
    auto* node = m.mutable_graph()->mutable_node(0);
    QCOMPARE(node->op_type(), std::string("Unsqueeze"));
    node->mutable_input()->RemoveLast();
    auto* a = node->add_attribute();
    a->set_name("axes");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(0);
    a->add_ints(2);
    Graph g = importModelBytes(m.SerializeAsString());
    const Node* op = g.findByName("op");
    QVERIFY(op && op->attrs.count("axes") && op->inputs[1].constant.empty());
    NC_CHECK(compareTensors(evaluate(g, c.feeds())[0], c.run(true)[0], {0, 0}));
    NC_CHECK(checkGraphWithOrt(g, c.feeds()));
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Unsqueeze").input(randn({3, 5}, 1)).constant(ints({1, 1})));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("more than once") != std::string::npos &&
                 d.find("[3, 5]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Unsqueeze").input(randn({3, 5}, 1)).constant(ints({3})));
    QVERIFY2(d.find("axis 3") != std::string::npos && d.find("rank 3") != std::string::npos,
             d.c_str());
  }
  void properties() {
    auto gen = [] {
      Tensor x = *genTensor(-1, 1, 0, 4);
      const int r = x.rank() + *rc::gen::inRange(1, 3);
      std::vector<int64_t> axes;
      Shape out;
      size_t j = 0;
      for (int i = 0; i < r; ++i) {
        const bool insert = int(axes.size()) < r - x.rank() &&
                            (j == x.shape().size() || *rc::gen::arbitrary<bool>());
        if (insert)
          axes.push_back(*rc::gen::arbitrary<bool>() ? i : i - r), out.push_back(1);
        else
          out.push_back(x.dim(int(j++)));
      }
      return std::tuple(x, axes, out);
    };
    QVERIFY(
        rc::check("unsqueeze: inserts unit dims; squeeze of the same axes restores the input", [&] {
          auto [x, axes, out] = gen();
          RC_ASSERT(unsqueezeCase(x, axes, out).check() == "");
          Tensor y = unsqueezeCase(x, axes, out).run(false)[0];
          OpCase back = OpCase("Squeeze").input(y).constant(ints(axes)).expect(x, {0, 0});
          RC_ASSERT(back.check() == "");
        }));
    QVERIFY(checkN("unsqueeze: ONNX Runtime agrees", 10, [&] {
      auto [x, axes, out] = gen();
      RC_ASSERT(unsqueezeCase(x, axes, out).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestUnsqueeze)
#include "test_unsqueeze.moc"
