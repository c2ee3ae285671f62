// Mean: one, two and three inputs with NumPy broadcasting, against a double-precision oracle,
// fast vs reference, ONNX Runtime, a property over broadcast-compatible shapes, diagnostics.
#include <rapidcheck.h>

#include <QtTest>

#include "core/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

constexpr bool kMean = true;

// Each output element from its broadcast sources, summed in double (divided by n for Mean).
Tensor oracle(const std::vector<Tensor>& xs) {
  size_t r = 0;
  for (auto& x : xs) r = std::max(r, size_t(x.rank()));
  Shape out(r, 1);
  for (auto& x : xs)
    for (size_t i = 0; i < size_t(x.rank()); ++i)
      out[r - size_t(x.rank()) + i] = std::max(out[r - size_t(x.rank()) + i], x.dim(int(i)));
  Tensor y(DType::Float32, out);
  for (int64_t flat = 0; flat < y.numel(); ++flat) {
    std::vector<int64_t> idx(r);
    int64_t rem = flat;
    for (int d = int(r) - 1; d >= 0; --d)
      idx[size_t(d)] = rem % out[size_t(d)], rem /= out[size_t(d)];
    double acc = 0;
    for (auto& x : xs) {
      int64_t off = 0;
      for (size_t i = 0; i < size_t(x.rank()); ++i) {
        const int64_t d = x.dim(int(i));
        off = off * d + (d == 1 ? 0 : idx[r - size_t(x.rank()) + i]);
      }
      acc += x.f32()[off];
    }
    y.f32()[flat] = float(kMean ? acc / double(xs.size()) : acc);
  }
  return y;
}

OpCase makeCase(const std::vector<Tensor>& xs) {
  OpCase c("Mean");
  for (size_t i = 0; i < xs.size(); ++i)
    c.input(xs[i], std::string(1, char('a' + i)));  // inputs a, b, c, ...
  return c.expect(oracle(xs), {1e-5, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestMean : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor a = Tensor::fromFloats({3}, {1, 2, 3}), b = Tensor::fromFloats({3}, {4, 5, 6}),
           c = Tensor::fromFloats({3}, {7, 8, 9});
    Tensor expected =
        kMean ? Tensor::fromFloats({3}, {4, 5, 6}) : Tensor::fromFloats({3}, {12, 15, 18});
    NC_CHECK(OpCase("Mean").input(a).input(b).input(c).expect(expected).check());
    NC_CHECK(OpCase("Mean").input(a).expect(a).check());  // one input: itself
    // Broadcasting [2, 1] with [3]: [[1+10, 1+20, 1+30], [2+10, 2+20, 2+30]]
    Tensor col = Tensor::fromFloats({2, 1}, {1, 2}), row = Tensor::fromFloats({3}, {10, 20, 30});
    Tensor sum = Tensor::fromFloats({2, 3}, {11, 21, 31, 12, 22, 32});
    if (kMean)
      for (float& v : sum.floats()) v /= 2;
    NC_CHECK(OpCase("Mean").input(col).input(row).expect(sum).check());
  }
  void onnx() {
    NC_CHECK(makeCase({randn({2, 3}, 1)}).checkOnnx());
    NC_CHECK(makeCase({randn({2, 3}, 1), randn({2, 3}, 2)}).checkOnnx());
    NC_CHECK(makeCase({randn({4, 1, 5}, 1), randn({3, 1}, 2), Tensor::scalar(0.5f), randn({5}, 3)})
                 .checkOnnx());
    // A constant operand (node-owned) exports as an initializer.
    NC_CHECK(OpCase("Mean").input(randn({2, 3}, 1), "x").constant(randn({3}, 2)).checkOnnx());
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Mean").input(randn({2, 3}, 1)).input(randn({4}, 2)));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("[2, 3]") != std::string::npos &&
                 d.find("[4]") != std::string::npos,
             d.c_str());
  }
  void properties() {
    auto gen = [] {
      Shape out = *genShape(1, 4, 6);
      const int n = *rc::gen::inRange(1, 5);
      std::vector<Tensor> xs;
      for (int i = 0; i < n; ++i) {
        const size_t r = size_t(*rc::gen::inRange<int>(0, int(out.size()) + 1));
        Shape s;
        for (size_t j = out.size() - r; j < out.size(); ++j)
          s.push_back(*rc::gen::arbitrary<bool>() ? out[j] : 1);
        xs.push_back(*genTensorOfShape(s));
      }
      return xs;
    };
    QVERIFY(rc::check("mean: fast == reference == oracle",
                      [&] { RC_ASSERT(makeCase(gen()).check() == ""); }));
    QVERIFY(checkN("mean: ONNX Runtime agrees", 10,
                   [&] { RC_ASSERT(makeCase(gen()).checkOnnx() == ""); }));
  }
};

QTEST_APPLESS_MAIN(TestMean)
#include "test_mean.moc"
