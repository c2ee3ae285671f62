// Gemm: alpha, beta, transA, transB and every C form (none, scalar, [N], [M, 1], [M, N]) against
// a double-precision oracle, oneDNN vs reference, ONNX Runtime, and diagnostics.
#include <rapidcheck.h>

#include <QtTest>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

struct GemmArgs {
  Tensor a, b, c;  // c may be empty
  float alpha = 1, beta = 1;
  bool ta = false, tb = false;
};

// Y[i][j] = alpha * sum_p A'[i][p] B'[p][j] + beta * C[broadcast i, j].
Tensor gemmOracle(const GemmArgs& g) {
  const int64_t m = g.ta ? g.a.dim(1) : g.a.dim(0), k = g.ta ? g.a.dim(0) : g.a.dim(1);
  const int64_t n = g.tb ? g.b.dim(0) : g.b.dim(1);
  auto A = [&](int64_t i, int64_t p) {
    return double(g.ta ? g.a.f32()[p * m + i] : g.a.f32()[i * k + p]);
  };
  auto B = [&](int64_t p, int64_t j) {
    return double(g.tb ? g.b.f32()[j * k + p] : g.b.f32()[p * n + j]);
  };
  auto C = [&](int64_t i, int64_t j) -> double {
    if (g.c.empty()) return 0;
    const Shape& s = g.c.shape();
    if (s.empty()) return g.c.f32()[0];
    if (s.size() == 1) return g.c.f32()[s[0] == 1 ? 0 : j];
    return g.c.f32()[(s[0] == 1 ? 0 : i) * s[1] + (s[1] == 1 ? 0 : j)];
  };
  Tensor y(DType::Float32, {m, n});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += A(i, p) * B(p, j);
      y.f32()[i * n + j] = float(g.alpha * acc + g.beta * C(i, j));
    }
  return y;
}

OpCase gemmCase(const GemmArgs& g, bool weightsConstant = true) {
  OpCase c("Gemm");
  if (g.alpha != 1) c.attr("alpha", g.alpha);
  if (g.beta != 1) c.attr("beta", g.beta);
  if (g.ta) c.attr("transA", int64_t(1));
  if (g.tb) c.attr("transB", int64_t(1));
  c.input(g.a, "a");
  if (weightsConstant)
    c.constant(g.b);
  else
    c.input(g.b, "b");
  if (!g.c.empty()) c.constant(g.c);
  return c.expect(gemmOracle(g), {1e-4, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestGemm : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]; alpha 2, beta 0.5, C = [10 20] -> [43 54; 91 110]
    GemmArgs g{Tensor::fromFloats({2, 2}, {1, 2, 3, 4}), Tensor::fromFloats({2, 2}, {5, 6, 7, 8}),
               Tensor::fromFloats({2}, {10, 20}), 2.0f, 0.5f};
    NC_CHECK(OpCase("Gemm")
                 .attr("alpha", 2.0f)
                 .attr("beta", 0.5f)
                 .input(g.a)
                 .constant(g.b)
                 .constant(g.c)
                 .expect(Tensor::fromFloats({2, 2}, {43, 54, 91, 110}))
                 .check());
    NC_CHECK(gemmCase(g).checkOnnx());
  }
  void transposes() {
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        GemmArgs g{randn(ta ? Shape{5, 3} : Shape{3, 5}, 1),
                   randn(tb ? Shape{7, 5} : Shape{5, 7}, 2),
                   randn({7}, 3),
                   0.5f,
                   -1.5f,
                   ta,
                   tb};
        NC_CHECK(gemmCase(g).check());
        NC_CHECK(gemmCase(g, false).checkOnnx());
      }
  }
  void biasForms() {
    for (Shape cs : {Shape{}, Shape{1}, Shape{6}, Shape{4, 1}, Shape{1, 6}, Shape{4, 6}}) {
      GemmArgs g{randn({4, 3}, 1), randn({3, 6}, 2), randn(cs, 3)};
      NC_CHECK(gemmCase(g).check());
      NC_CHECK(gemmCase(g).checkOnnx());
    }
    GemmArgs noBias{randn({4, 3}, 1), randn({3, 6}, 2), Tensor()};
    NC_CHECK(gemmCase(noBias).check());
    NC_CHECK(gemmCase(noBias).checkOnnx());
    // YOLO-style classifier head: [1, 1280] x W^T + b.
    GemmArgs head{randn({1, 128}, 4), randn({10, 128}, 5), randn({10}, 6), 1, 1, false, true};
    NC_CHECK(gemmCase(head).checkOnnx());
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("Gemm").input(randn({2, 3}, 1)).constant(randn({4, 5}, 2)));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("[2, 3]") != std::string::npos &&
                 d.find("[4, 5]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Gemm")
                       .input(randn({2, 3}, 1))
                       .constant(randn({3, 5}, 2))
                       .constant(randn({3, 5}, 3)));
    QVERIFY2(d.find("'C'") != std::string::npos && d.find("[3, 5]") != std::string::npos &&
                 d.find("[2, 5]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("Gemm").input(randn({2, 3, 1}, 1)).constant(randn({3, 5}, 2)));
    QVERIFY2(d.find("2-D") != std::string::npos && d.find("[2, 3, 1]") != std::string::npos,
             d.c_str());
  }
  void properties() {
    auto gen = [] {
      const int64_t m = *rc::gen::inRange(1, 14), k = *rc::gen::inRange(1, 14),
                    n = *rc::gen::inRange(1, 14);
      GemmArgs g;
      g.ta = *rc::gen::arbitrary<bool>();
      g.tb = *rc::gen::arbitrary<bool>();
      g.a = *genTensorOfShape(g.ta ? Shape{k, m} : Shape{m, k}, -2, 2);
      g.b = *genTensorOfShape(g.tb ? Shape{n, k} : Shape{k, n}, -2, 2);
      const int form = *rc::gen::inRange(0, 5);
      const Shape cs[] = {{}, {n}, {m, 1}, {m, n}, {1, n}};
      if (*rc::gen::inRange(0, 4) != 0) g.c = *genTensorOfShape(cs[form], -2, 2);
      g.alpha = *rc::gen::element(1.0f, 0.5f, -2.0f);
      g.beta = *rc::gen::element(1.0f, 0.0f, 3.0f);
      return g;
    };
    QVERIFY(rc::check("gemm: oneDNN == reference == oracle",
                      [&] { RC_ASSERT(gemmCase(gen()).check() == ""); }));
    QVERIFY(checkN("gemm: ONNX Runtime agrees", 10,
                   [&] { RC_ASSERT(gemmCase(gen()).checkOnnx() == ""); }));
  }
};

QTEST_APPLESS_MAIN(TestGemm)
#include "test_gemm.moc"
