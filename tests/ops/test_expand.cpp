// Expand: bidirectional broadcasting (a 1 in shape keeps the input dim), rank growth, int64
// data, static and fed shapes, a property against an index oracle, ONNX Runtime, diagnostics.
#include <rapidcheck.h>

#include <QtTest>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

Tensor ints(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }

// y[i] = x[i with broadcast dims pinned to 0], output dims max(x, shape) aligned right.
Tensor expandOracle(const Tensor& x, const std::vector<int64_t>& shape) {
  const size_t r = std::max(size_t(x.rank()), shape.size());
  Shape xs(r, 1), out(r, 1);
  for (size_t i = 0; i < size_t(x.rank()); ++i) xs[r - size_t(x.rank()) + i] = x.dim(int(i));
  for (size_t i = 0; i < shape.size(); ++i) out[r - shape.size() + i] = shape[i];
  for (size_t i = 0; i < r; ++i) out[i] = std::max(out[i], xs[i]);
  Tensor y(x.dtype(), out);
  auto st = contiguousStrides(xs);
  for (int64_t flat = 0; flat < y.numel(); ++flat) {
    int64_t rem = flat, src = 0;
    for (int d = int(r) - 1; d >= 0; --d) {
      int64_t i = rem % out[size_t(d)];
      rem /= out[size_t(d)];
      src += (xs[size_t(d)] == 1 ? 0 : i) * st[size_t(d)];
    }
    if (x.dtype() == DType::Int64)
      y.i64()[flat] = x.i64()[src];
    else
      y.f32()[flat] = x.f32()[src];
  }
  return y;
}

OpCase expandCase(const Tensor& x, const std::vector<int64_t>& shape, bool fed = false) {
  OpCase c("Expand");
  c.input(x, "x");
  if (fed)
    c.input(ints(shape), "shape");
  else
    c.constant(ints(shape));
  return c.expect(expandOracle(x, shape), {0, 0});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestExpand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({3, 1}, {1, 2, 3});
    NC_CHECK(OpCase("Expand")
                 .input(x)
                 .constant(ints({2, 1, 2}))
                 .expect(Tensor::fromFloats({2, 3, 2}, {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}))
                 .check());
    // shape [1] keeps the input as it is (bidirectional).
    NC_CHECK(OpCase("Expand").input(x).constant(ints({1})).expect(x).check());
    NC_CHECK(expandCase(x, {2, 1, 2}).checkOnnx());
    NC_CHECK(expandCase(x, {3, 4}, true).checkOnnx());
    NC_CHECK(expandCase(Tensor::fromInt64({2}, {5, 6}), {3, 2}).checkOnnx());
    NC_CHECK(expandCase(Tensor::scalar(4), {2, 3}).checkOnnx());
  }
  void inference() {
    Graph g = expandCase(randn({3, 1}, 1), {2, 1, 6}).graph();
    QCOMPARE(inferShapes(g).type({g.findByName("op")->id, 0})->dims, (Shape{2, 3, 6}));
    Graph h = expandCase(randn({3, 1}, 1), {2, 1, 6}, true).graph();
    QCOMPARE(inferShapes(h).type({h.findByName("op")->id, 0})->dims, (Shape{-1, -1, -1}));
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Expand").input(randn({3, 2}, 1)).constant(ints({4, 3})));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("[3, 2]") != std::string::npos &&
                 d.find("[4, 3]") != std::string::npos,
             d.c_str());
    std::string e = OpCase("Expand").input(randn({3, 2}, 1), "x").input(ints({4, 3}), "s").check();
    QVERIFY2(!e.empty(), "a bad shape fed at run time must fail");
  }
  void properties() {
    auto gen = [] {
      Shape out = *genShape(1, 4, 5);
      Shape xs, req;
      const size_t xr = size_t(*rc::gen::inRange<int>(0, int(out.size()) + 1));
      for (size_t i = out.size() - xr; i < out.size(); ++i)
        xs.push_back(*rc::gen::arbitrary<bool>() ? out[i] : 1);
      const size_t rr = size_t(*rc::gen::inRange<int>(0, int(out.size()) + 1));
      for (size_t i = out.size() - rr; i < out.size(); ++i)
        req.push_back(*rc::gen::arbitrary<bool>() ? out[i] : 1);
      return std::pair(*genTensorOfShape(xs), std::vector<int64_t>(req.begin(), req.end()));
    };
    QVERIFY(rc::check("expand: equals the index oracle", [&] {
      auto [x, shape] = gen();
      RC_ASSERT(expandCase(x, shape).check() == "");
    }));
    QVERIFY(checkN("expand: ONNX Runtime agrees", 10, [&] {
      auto [x, shape] = gen();
      RC_ASSERT(expandCase(x, shape).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestExpand)
#include "test_expand.moc"
