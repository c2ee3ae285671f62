// Reshape: the 0 and -1 rules, allowzero, static shape inference from a constant shape input,
// int64 data, a round-trip property, ONNX Runtime, and diagnostics.
#include <rapidcheck.h>

#include <QtTest>

#include "core/eval/evaluator.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

Tensor shapeT(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }

// Reshape keeps the data in order: the expectation is the same values under the new shape.
OpCase reshapeCase(const Tensor& x, std::vector<int64_t> shape, Shape expected,
                   bool allowzero = false) {
  OpCase c("Reshape");
  if (allowzero) c.attr("allowzero", int64_t(1));
  return c.input(x, "x").constant(shapeT(shape)).expect(x.clone().reshaped(expected));
}

const TensorType* outType(const Graph& g, const ShapeInfo& info) {
  return info.type({g.findByName("op")->id, 0});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestReshape : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void rules() {
    Tensor x = randn({2, 3, 4}, 1);
    NC_CHECK(reshapeCase(x, {4, 6}, {4, 6}).check());
    NC_CHECK(reshapeCase(x, {-1}, {24}).check());
    NC_CHECK(reshapeCase(x, {0, -1}, {2, 12}).check());  // 0 copies dim 0
    NC_CHECK(reshapeCase(x, {0, 0, 2, 2}, {2, 3, 2, 2}).check());
    NC_CHECK(reshapeCase(x, {-1, 0, 1}, {8, 3, 1}).check());  // 0 copies dim 1
    NC_CHECK(reshapeCase(x, {1, 1, 2, 3, 4}, {1, 1, 2, 3, 4}).check());
    for (auto [req, out] : std::vector<std::pair<std::vector<int64_t>, Shape>>{
             {{4, 6}, {4, 6}}, {{0, -1}, {2, 12}}, {{-1, 0, 1}, {8, 3, 1}}})
      NC_CHECK(reshapeCase(x, req, out).checkOnnx());
  }
  void allowzero() {
    // allowzero=1: a 0 is an empty dimension.
    Tensor empty(DType::Float32, {0, 3});
    NC_CHECK(reshapeCase(empty, {3, 0}, {3, 0}, true).check());
    NC_CHECK(reshapeCase(randn({2, 3}, 1), {3, 2}, {3, 2}, true).checkOnnx());
    std::string d = diagnostic(
        OpCase("Reshape").attr("allowzero", int64_t(1)).input(empty).constant(shapeT({0, -1})));
    QVERIFY2(d.find("0 and -1") != std::string::npos, d.c_str());
  }
  void int64Data() {
    Tensor x = Tensor::fromInt64({2, 3}, {1, 2, 3, 4, 5, 6});
    NC_CHECK(reshapeCase(x, {3, -1}, {3, 2}).check());
    NC_CHECK(reshapeCase(x, {3, -1}, {3, 2}).checkOnnx());
  }
  void staticInference() {
    Graph g = reshapeCase(randn({1, 64, 20, 20}, 1), {0, 2, 32, -1}, {1, 2, 32, 400}).graph();
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(outType(g, info)->dims, (Shape{1, 2, 32, 400}));
    // A shape input that is not static: rank from its length, dims unknown.
    Graph h;
    NodeId x = h.addNode("Input", "x"), s = h.addNode("Input", "s"), r = h.addNode("Reshape", "op");
    h.setAttr(x, "shape", Shape{2, 6});
    h.setAttr(s, "shape", Shape{3});
    h.setAttr(s, "dtype", std::string("int64"));
    h.connect({x, 0}, {r, 0});
    h.connect({s, 0}, {r, 1});
    info = inferShapes(h);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(outType(h, info)->dims, (Shape{-1, -1, -1}));
    // Unknown input dims leave -1 unknown rather than failing.
    h.disconnect({r, 1});
    h.setConstant(r, 1, shapeT({0, -1, 3}));
    h.setAttr(x, "shape", Shape{-1, 6});
    info = inferShapes(h);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(outType(h, info)->dims, (Shape{-1, -1, 3}));
    // Shape fed at run time: evaluation works, ONNX Runtime agrees.
    Tensor x6 = randn({2, 6}, 1);
    NC_CHECK(OpCase("Reshape")
                 .input(x6, "x")
                 .input(shapeT({3, -1}), "s")
                 .expect(x6.clone().reshaped({3, 4}))
                 .check());
    NC_CHECK(
        OpCase("Reshape").input(randn({2, 6}, 1), "x").input(shapeT({3, -1}), "s").checkOnnx());
  }
  // A Constant node's value counts as static: the output shape is known, the export is a
  // Constant node feeding Reshape, and ONNX Runtime agrees.
  void shapeFromConstantNode() {
    Graph g;
    NodeId x = g.addNode("Input", "x"), c = g.addNode("Constant", "target"),
           r = g.addNode("Reshape", "op");
    NodeId out = g.addNode("Output", "y");
    g.setAttr(x, "shape", Shape{2, 3, 4});
    g.setAttr(c, "value", shapeT({0, -1}));
    g.connect({x, 0}, {r, 0});
    g.connect({c, 0}, {r, 1});
    g.connect({r, 0}, {out, 0});
    ShapeInfo info = inferShapes(g);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({r, 0})->dims, (Shape{2, 12}));
    Tensor xv = randn({2, 3, 4}, 5);
    NC_CHECK(compareTensors(evaluate(g, {{"x", xv}})[0], xv.clone().reshaped({2, 12}), {0, 0}));
    NC_CHECK(checkGraphWithOrt(g, {{"x", xv}}));
    g.setAttr(c, "value", shapeT({5, -1}));
    std::string d = inferShapes(g).diagnostics.empty() ? std::string()
                                                       : inferShapes(g).diagnostics.front().message;
    QVERIFY2(d.find("cannot be inferred") != std::string::npos &&
                 d.find("[2, 3, 4]") != std::string::npos,
             d.c_str());
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Reshape").input(randn({2, 3}, 1)).constant(shapeT({4, 2})));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("[2, 3]") != std::string::npos &&
                 d.find("[4, 2]") != std::string::npos && d.find("6 elements") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Reshape").input(randn({2, 3}, 1)).constant(shapeT({-1, -1})));
    QVERIFY2(d.find("more than one -1") != std::string::npos, d.c_str());
    d = diagnostic(OpCase("Reshape").input(randn({2, 3}, 1)).constant(shapeT({5, -1})));
    QVERIFY2(d.find("cannot be inferred") != std::string::npos, d.c_str());
    d = diagnostic(OpCase("Reshape").input(randn({6}, 1)).constant(shapeT({2, 0})));
    QVERIFY2(d.find("copies dimension 1") != std::string::npos, d.c_str());
    // The kernel also refuses a shape that arrives at run time.
    std::string e =
        OpCase("Reshape").input(randn({2, 3}, 1), "x").input(shapeT({4, 2}), "s").check();
    QVERIFY2(e.find("cannot reshape") != std::string::npos, e.c_str());
  }
  void properties() {
    QVERIFY(rc::check("reshape: to a random factorisation and back is the identity", [] {
      Tensor x = *genTensor();
      // Split the element count into random factors, with a -1 somewhere.
      std::vector<int64_t> req;
      int64_t rest = x.numel();
      for (int64_t f : {2, 3, 5, 7})
        while (rest % f == 0 && *rc::gen::inRange(0, 2)) req.push_back(f), rest /= f;
      req.push_back(rest);
      const size_t minus = size_t(*rc::gen::inRange<size_t>(0, req.size()));
      Shape target(req.begin(), req.end());
      req[minus] = -1;
      RC_ASSERT(reshapeCase(x, req, target).check() == "");
      Tensor y = reshapeCase(x, req, target).run(false)[0];
      std::vector<int64_t> back(x.shape().begin(), x.shape().end());
      RC_ASSERT(reshapeCase(y, back, x.shape()).run(false)[0].floats()[0] == x.floats()[0]);
      RC_ASSERT(compareTensors(reshapeCase(y, back, x.shape()).run(true)[0], x, {0, 0}) == "");
    }));
    QVERIFY(checkN("reshape: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensor();
      RC_ASSERT(reshapeCase(x, {-1}, {x.numel()}).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestReshape)
#include "test_reshape.moc"
