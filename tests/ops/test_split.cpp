// Split: equal and uneven parts, the split input (constant and fed), the legacy attribute,
// export at opset 17 and 18, re-sizing the outputs in a live evaluator, int64 data, a property
// against a naive slicer, and diagnostics.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>
#include <numeric>

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

// Part [begin, begin + size) of x along axis, by index arithmetic.
Tensor part(const Tensor& x, int axis, int64_t begin, int64_t size) {
  Shape s = x.shape();
  s[size_t(axis)] = size;
  Tensor y(x.dtype(), s);
  auto xs = contiguousStrides(x.shape());
  for (int64_t flat = 0; flat < y.numel(); ++flat) {
    int64_t rem = flat, src = 0;
    for (int d = y.rank() - 1; d >= 0; --d) {
      int64_t i = rem % s[size_t(d)];
      rem /= s[size_t(d)];
      src += (d == axis ? i + begin : i) * xs[size_t(d)];
    }
    if (x.dtype() == DType::Int64)
      y.i64()[flat] = x.i64()[src];
    else
      y.f32()[flat] = x.f32()[src];
  }
  return y;
}

// A Split case whose expectations are the parts of the given sizes. mode: "input" binds the
// sizes as a constant, "attr" as the legacy attribute, "fed" as a graph input, "none" omits them.
OpCase splitCase(const Tensor& x, int64_t axis, const std::vector<int64_t>& sizes,
                 const std::string& mode) {
  OpCase c("Split", int(sizes.size()));
  if (axis != 0) c.attr("axis", axis);
  if (mode == "attr") c.attr("split", sizes);
  c.input(x, "x");
  if (mode == "input") c.constant(ints(sizes));
  if (mode == "fed") c.input(ints(sizes), "sizes");
  const int a = int(axis < 0 ? axis + x.rank() : axis);
  int64_t begin = 0;
  for (int64_t s : sizes) c.expect(part(x, a, begin, s), {0, 0}), begin += s;
  return c;
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestSplit : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    NC_CHECK(OpCase("Split", 2)
                 .attr("axis", int64_t(1))
                 .input(x)
                 .expect(Tensor::fromFloats({2, 2}, {1, 2, 5, 6}))
                 .expect(Tensor::fromFloats({2, 2}, {3, 4, 7, 8}))
                 .check());
    NC_CHECK(OpCase("Split", 2)
                 .attr("axis", int64_t(1))
                 .input(x)
                 .constant(ints({1, 3}))
                 .expect(Tensor::fromFloats({2, 1}, {1, 5}))
                 .expect(Tensor::fromFloats({2, 3}, {2, 3, 4, 6, 7, 8}))
                 .check());
  }
  void equalParts() {
    Tensor x = randn({2, 6, 3}, 1);
    NC_CHECK(splitCase(x, 1, {2, 2, 2}, "none").check());
    NC_CHECK(splitCase(x, 1, {2, 2, 2}, "none").checkOnnx());
    NC_CHECK(
        checkGraphWithOrt(splitCase(x, -2, {3, 3}, "none").graph(), {{"x", x}}, {1e-4, 1e-4}, 18));
  }
  // Opset 18 rule: ceil(dim / n) per part, the last one smaller. At opset 17 the export spells
  // out the sizes; at opset 18 it writes num_outputs.
  void unevenParts() {
    Tensor x = randn({7, 2}, 2);
    OpCase c = splitCase(x, 0, {3, 3, 1}, "none");
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
    NC_CHECK(checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 18));
  }
  void sizeForms() {
    Tensor x = randn({3, 10}, 3);
    for (const char* mode : {"input", "attr", "fed"}) {
      OpCase c = splitCase(x, 1, {2, 0, 5, 3}, mode);
      NC_CHECK(c.check());
      NC_CHECK(c.checkOnnx());
    }
    // YOLO11's C3k2/C2PSA split: [1, 64, 20, 20] into two halves of the channels.
    NC_CHECK(splitCase(randn({1, 64, 20, 20}, 4), 1, {32, 32}, "input").checkOnnx());
  }
  void int64Data() {
    Tensor x = Tensor::fromInt64({5}, {10, 20, 30, 40, 50});
    NC_CHECK(splitCase(x, 0, {2, 3}, "input").check());
    NC_CHECK(splitCase(x, 0, {2, 3}, "input").checkOnnx());
  }
  // Changing the output count of a live node rebuilds its kernel.
  void resizeOutputs() {
    Tensor x = randn({6}, 5);
    Graph g = splitCase(x, 0, {3, 3}, "none").graph();
    Evaluator ev;
    ev.setFeed("x", x);
    QVERIFY(ev.run(g).ok());
    NodeId op = g.findByName("op")->id;
    QCOMPARE(ev.output({op, 0})->shape(), (Shape{3}));
    g.setOutputCount(op, 3);
    NodeId o = g.addNode("Output", "out2");
    g.connect({op, 2}, {o, 0});
    QVERIFY(ev.run(g).ok());
    QCOMPARE(ev.output({op, 0})->shape(), (Shape{2}));
    NC_CHECK(compareTensors(*ev.output({op, 2}), part(x, 0, 4, 2), {0, 0}));
    ShapeInfo info = inferShapes(g);
    QCOMPARE(info.type({op, 2})->dims, (Shape{2}));
  }
  // An opset 11 model carries the sizes as an attribute; import keeps it as our legacy
  // attribute, and re-export at opset 17 turns it into an int64 initializer.
  void legacyImport() {
    Tensor x = randn({2, 6}, 6);
    OpCase c = splitCase(x, 1, {1, 5}, "input");
    onnx::ModelProto m;
    m.ParseFromString(exportModelBytes(c.graph()));
    m.mutable_opset_import(0)->set_version(11);
    auto* node = m.mutable_graph()->mutable_node(0);
    QCOMPARE(node->op_type(), std::string("Split"));
    node->mutable_input()->RemoveLast();
    auto* a = node->add_attribute();
    a->set_name("split");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(1);
    a->add_ints(5);
    Graph g = importModelBytes(m.SerializeAsString());
    const Node* split = g.findByName("op");
    QVERIFY(split && split->attrs.count("split") && split->inputs[1].constant.empty());
    std::vector<Tensor> outs = evaluate(g, c.feeds());
    NC_CHECK(compareTensors(outs[0], part(x, 1, 0, 1), {0, 0}));
    NC_CHECK(compareTensors(outs[1], part(x, 1, 1, 5), {0, 0}));
    NC_CHECK(checkGraphWithOrt(g, c.feeds()));
    // Opset 18's num_outputs must match the node's outputs.
    m.mutable_opset_import(0)->set_version(18);
    node->clear_attribute();
    a = node->add_attribute();
    a->set_name("num_outputs");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(3);
    try {
      importModelBytes(m.SerializeAsString());
      QFAIL("num_outputs=3 on a two-output Split must be refused");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("num_outputs=3") != std::string::npos, e.what());
    }
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Split", 2).input(randn({5, 2}, 1)).constant(ints({2, 2})));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("add up to 4") != std::string::npos &&
                 d.find("[5, 2]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Split", 3).input(randn({5, 2}, 1)).constant(ints({2, 3})));
    QVERIFY2(d.find("2 sizes for 3 outputs") != std::string::npos, d.c_str());
    d = diagnostic(OpCase("Split", 4).input(randn({5, 2}, 1)));
    QVERIFY2(d.find("cannot be split into 4") != std::string::npos, d.c_str());
    d = diagnostic(OpCase("Split", 2).attr("axis", int64_t(2)).input(randn({5, 2}, 1)));
    QVERIFY2(d.find("axis 2") != std::string::npos, d.c_str());
  }
  void properties() {
    auto gen = [] {
      Tensor x = *genTensor();
      const int64_t axis = *rc::gen::inRange<int64_t>(-x.rank(), x.rank());
      const int64_t dim = x.dim(int(axis < 0 ? axis + x.rank() : axis));
      std::vector<int64_t> sizes;
      for (int64_t left = dim; left > 0;)
        sizes.push_back(*rc::gen::inRange<int64_t>(1, left + 1)), left -= sizes.back();
      return std::tuple(x, axis, sizes);
    };
    QVERIFY(rc::check("split: the parts are the slices of the input", [&] {
      auto [x, axis, sizes] = gen();
      RC_ASSERT(splitCase(x, axis, sizes, "input").check() == "");
    }));
    QVERIFY(checkN("split: ONNX Runtime agrees", 10, [&] {
      auto [x, axis, sizes] = gen();
      RC_ASSERT(splitCase(x, axis, sizes, "input").checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestSplit)
#include "test_split.moc"
