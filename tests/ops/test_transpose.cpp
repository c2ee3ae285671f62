// Transpose: hand-computed cases, the default reversal, int64 data, a random-permutation
// property against a naive gather, ONNX Runtime, and diagnostics.
#include <rapidcheck.h>

#include <QtTest>
#include <algorithm>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// y[i0..ir] = x[j] with j[perm[k]] = i[k]: walk the input and scatter.
Tensor transposeOracle(const Tensor& x, const std::vector<int64_t>& perm) {
  const int r = x.rank();
  Shape out(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) out[k] = x.dim(int(perm[k]));
  Tensor y(x.dtype(), out);
  auto ys = contiguousStrides(out);
  std::vector<int64_t> j(size_t(r), 0);
  for (int64_t flat = 0; flat < x.numel(); ++flat) {
    int64_t rem = flat;
    for (int d = r - 1; d >= 0; --d) j[size_t(d)] = rem % x.dim(d), rem /= x.dim(d);
    int64_t o = 0;
    for (int k = 0; k < r; ++k) o += j[size_t(perm[size_t(k)])] * ys[size_t(k)];
    if (x.dtype() == DType::Int64)
      y.i64()[o] = x.i64()[flat];
    else
      y.f32()[o] = x.f32()[flat];
  }
  return y;
}

OpCase transposeCase(const Tensor& x, std::optional<std::vector<int64_t>> perm) {
  std::vector<int64_t> p = perm ? *perm : std::vector<int64_t>();
  if (!perm)
    for (int i = x.rank() - 1; i >= 0; --i) p.push_back(i);
  OpCase c("Transpose");
  if (perm) c.attr("perm", *perm);
  return c.input(x, "x").expect(transposeOracle(x, p), {0, 0});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestTranspose : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor x = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6});
    NC_CHECK(OpCase("Transpose")
                 .input(x)
                 .expect(Tensor::fromFloats({3, 2}, {1, 4, 2, 5, 3, 6}))
                 .check());
    Tensor y = Tensor::fromFloats({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
    // perm [1, 2, 0]: out[a][b][c] = in[c][a][b]
    NC_CHECK(OpCase("Transpose")
                 .attr("perm", std::vector<int64_t>{1, 2, 0})
                 .input(y)
                 .expect(Tensor::fromFloats({2, 2, 2}, {0, 4, 1, 5, 2, 6, 3, 7}))
                 .check());
    NC_CHECK(transposeCase(x, std::nullopt).checkOnnx());
    NC_CHECK(transposeCase(y, std::vector<int64_t>{1, 2, 0}).checkOnnx());
  }
  void int64Data() {
    Tensor x = Tensor::fromInt64({2, 3}, {1, 2, 3, 4, 5, 6});
    NC_CHECK(transposeCase(x, std::vector<int64_t>{1, 0}).check());
    NC_CHECK(transposeCase(x, std::vector<int64_t>{1, 0}).checkOnnx());
  }
  // YOLO11's detect head and attention: [1, 2, 32, 400] -> [1, 2, 400, 32], [1, 84, 8400] -> [1,
  // 8400, 84].
  void yoloShapes() {
    NC_CHECK(transposeCase(randn({1, 2, 32, 400}, 1), std::vector<int64_t>{0, 1, 3, 2}).check());
    NC_CHECK(transposeCase(randn({1, 84, 840}, 2), std::vector<int64_t>{0, 2, 1}).checkOnnx());
  }
  void inference() {
    Graph g = transposeCase(randn({2, 3, 5}, 1), std::vector<int64_t>{2, 0, 1}).graph();
    ShapeInfo info = inferShapes(g);
    QCOMPARE(info.type({g.findByName("op")->id, 0})->dims, (Shape{5, 2, 3}));
  }
  void badInputs() {
    std::string d = diagnostic(
        OpCase("Transpose").attr("perm", std::vector<int64_t>{0, 0, 1}).input(randn({2, 3, 4}, 1)));
    QVERIFY2(d.find("'op'") != std::string::npos &&
                 d.find("not a permutation") != std::string::npos &&
                 d.find("[2, 3, 4]") != std::string::npos,
             d.c_str());
    d = diagnostic(
        OpCase("Transpose").attr("perm", std::vector<int64_t>{1, 0}).input(randn({2, 3, 4}, 1)));
    QVERIFY2(d.find("rank 3") != std::string::npos, d.c_str());
  }
  void properties() {
    auto gen = [] {
      Tensor x = *genTensor(-10, 10, 1, 5);
      std::vector<int64_t> perm(size_t(x.rank()));
      for (size_t i = 0; i < perm.size(); ++i) perm[i] = int64_t(i);
      // A random permutation: Fisher-Yates with generated indices.
      for (size_t i = perm.size(); i > 1; --i)
        std::swap(perm[i - 1], perm[size_t(*rc::gen::inRange<size_t>(0, i))]);
      return std::pair(x, perm);
    };
    QVERIFY(rc::check("transpose: fast == reference == naive gather", [&] {
      auto [x, perm] = gen();
      RC_ASSERT(transposeCase(x, perm).check() == "");
    }));
    QVERIFY(checkN("transpose: ONNX Runtime agrees", 10, [&] {
      auto [x, perm] = gen();
      RC_ASSERT(transposeCase(x, perm).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestTranspose)
#include "test_transpose.moc"
