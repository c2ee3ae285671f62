// MatMul: hand-computed products, the 1-D promotion rules, batch broadcasting, an independent
// oracle, oneDNN (fast) vs reference, ONNX Runtime, and diagnostics.
#include <rapidcheck.h>

#include <QtTest>
#include <chrono>

#include "core/eval/evaluator.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// NumPy matmul written from its definition: promote 1-D operands, broadcast the batch dims,
// then sum over k in double for each output element.
Tensor matmulOracle(const Tensor& a, const Tensor& b) {
  Shape as = a.shape(), bs = b.shape();
  const bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec) as.insert(as.begin(), 1);
  if (bVec) bs.push_back(1);
  const size_t r = std::max(as.size(), bs.size());
  while (as.size() < r) as.insert(as.begin(), 1);
  while (bs.size() < r) bs.insert(bs.begin(), 1);
  Shape full(r);
  for (size_t i = 0; i + 2 < r; ++i) full[i] = std::max(as[i], bs[i]);
  const int64_t m = as[r - 2], k = as[r - 1], n = bs[r - 1];
  full[r - 2] = m;
  full[r - 1] = n;
  Tensor y(DType::Float32, full);
  auto sa = contiguousStrides(as), sb = contiguousStrides(bs);
  for (int64_t flat = 0; flat < y.numel(); ++flat) {
    std::vector<int64_t> idx(r);
    int64_t rem = flat;
    for (int d = int(r) - 1; d >= 0; --d)
      idx[size_t(d)] = rem % full[size_t(d)], rem /= full[size_t(d)];
    double acc = 0;
    for (int64_t p = 0; p < k; ++p) {
      int64_t oa = 0, ob = 0;
      for (size_t d = 0; d + 2 < r; ++d) {
        oa += (as[d] == 1 ? 0 : idx[d]) * sa[d];
        ob += (bs[d] == 1 ? 0 : idx[d]) * sb[d];
      }
      oa += idx[r - 2] * sa[r - 2] + p * sa[r - 1];
      ob += p * sb[r - 2] + idx[r - 1] * sb[r - 1];
      acc += double(a.f32()[oa]) * double(b.f32()[ob]);
    }
    y.f32()[flat] = float(acc);
  }
  Shape out(full.begin(), full.end() - 2);
  if (!aVec) out.push_back(m);
  if (!bVec) out.push_back(n);
  return y.reshaped(out);
}

OpCase mm(const Tensor& a, const Tensor& b) {
  return OpCase("MatMul").input(a, "a").input(b, "b").expect(matmulOracle(a, b), {1e-4, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

}  // namespace

class TestMatMul : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputed() {
    Tensor a = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6});
    Tensor b = Tensor::fromFloats({3, 2}, {7, 8, 9, 10, 11, 12});
    // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
    NC_CHECK(OpCase("MatMul")
                 .input(a)
                 .input(b)
                 .expect(Tensor::fromFloats({2, 2}, {58, 64, 139, 154}))
                 .check());
    NC_CHECK(mm(a, b).checkOnnx());
  }
  // 1-D promotion: the unit dimension added to a vector is removed again from the result.
  void vectorPromotion() {
    Tensor v = Tensor::fromFloats({3}, {1, 2, 3});
    Tensor m = Tensor::fromFloats({3, 2}, {1, 0, 0, 1, 1, 1});
    NC_CHECK(OpCase("MatMul")
                 .input(v)
                 .input(v)
                 .expect(Tensor::fromFloats({}, {14}))
                 .check());  // dot product
    NC_CHECK(OpCase("MatMul").input(v).input(m).expect(Tensor::fromFloats({2}, {4, 5})).check());
    Tensor mt = Tensor::fromFloats({2, 3}, {1, 0, 1, 0, 1, 1});
    NC_CHECK(OpCase("MatMul").input(mt).input(v).expect(Tensor::fromFloats({2}, {4, 5})).check());
    // A batch of matrices times a vector, and a vector times a batch.
    NC_CHECK(mm(randn({2, 4, 3}, 1), v).check());
    NC_CHECK(mm(v, randn({2, 3, 5}, 2)).check());
    NC_CHECK(mm(v, m).checkOnnx());
    NC_CHECK(mm(randn({2, 4, 3}, 1), v).checkOnnx());
    NC_CHECK(mm(v, randn({2, 3, 5}, 2)).checkOnnx());
    QCOMPARE(inferShapes(mm(v, v).graph()).diagnostics.size(), size_t(0));
  }
  // Batch dims broadcast both ways; ranks may differ.
  void batchBroadcast() {
    NC_CHECK(mm(randn({2, 1, 4, 3}, 3), randn({5, 3, 6}, 4)).check());
    NC_CHECK(mm(randn({1, 4, 3}, 5), randn({7, 3, 2}, 6)).check());
    NC_CHECK(mm(randn({3, 4, 3}, 5), randn({3, 2}, 6)).check());
    NC_CHECK(mm(randn({2, 1, 4, 3}, 3), randn({5, 3, 6}, 4)).checkOnnx());
    // The C2PSA attention shapes of YOLO11n: q^T k and v attn^T.
    NC_CHECK(mm(randn({1, 2, 20, 400}, 7), randn({1, 2, 400, 20}, 8)).check());
    NC_CHECK(mm(randn({1, 2, 32, 400}, 9), randn({1, 2, 400, 400}, 10)).checkOnnx());
  }
  void emptyDims() {
    NC_CHECK(mm(Tensor(DType::Float32, {2, 0}), Tensor(DType::Float32, {0, 3}))
                 .check());  // zeros [2, 3]
    NC_CHECK(mm(Tensor(DType::Float32, {0, 4}), randn({4, 3}, 1)).check());
  }
  void inferredShapes() {
    Graph g = mm(randn({2, 1, 4, 3}, 3), randn({5, 3, 6}, 4)).graph();
    ShapeInfo info = inferShapes(g);
    const Node* op = g.findByName("op");
    QVERIFY(op);
    QCOMPARE(info.type({op->id, 0})->dims, (Shape{2, 5, 4, 6}));
    // An unknown K does not fail; an unknown batch dim stays unknown.
    Graph h;
    NodeId a = h.addNode("Input", "a"), b = h.addNode("Input", "b"), m = h.addNode("MatMul");
    h.setAttr(a, "shape", Shape{-1, 4, -1});
    h.setAttr(b, "shape", Shape{3, 6});
    h.connect({a, 0}, {m, 0});
    h.connect({b, 0}, {m, 1});
    info = inferShapes(h);
    QVERIFY(info.diagnostics.empty());
    QCOMPARE(info.type({m, 0})->dims, (Shape{-1, 4, 6}));
    // An unbound input leaves the output unknown.
    h.disconnect({m, 1});
    info = inferShapes(h);
    QVERIFY(info.diagnostics.empty());
    QVERIFY(!info.type({m, 0})->rankKnown);
  }
  void badInputs() {
    std::string d = diagnostic(OpCase("MatMul").input(randn({2, 3}, 1)).input(randn({4, 5}, 2)));
    QVERIFY2(d.find("'op'") != std::string::npos && d.find("[2, 3]") != std::string::npos &&
                 d.find("[4, 5]") != std::string::npos &&
                 d.find("inner dimensions") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("MatMul").input(randn({2, 4, 3}, 1)).input(randn({3, 3, 5}, 2)));
    QVERIFY2(d.find("batch") != std::string::npos && d.find("[2, 4, 3]") != std::string::npos,
             d.c_str());
    d = diagnostic(OpCase("MatMul").input(Tensor::scalar(1)).input(randn({3}, 2)));
    QVERIFY2(d.find("rank >= 1") != std::string::npos, d.c_str());
    // The kernel itself refuses mismatched data with a message rather than crashing.
    QVERIFY(!OpCase("MatMul").input(randn({2, 3}, 1)).input(randn({4, 5}, 2)).check().empty());
  }
  void properties() {
    auto gen = [] {
      // Random batch shapes with broadcasting (each batch dim of A or B may be 1) and odd sizes.
      const int rank = *rc::gen::inRange(1, 5);
      Shape batch = *genShape(0, rank - 1 > 0 ? rank - 1 : 0, 4);
      if (rank == 1) batch.clear();
      Shape ab = batch, bb = batch;
      for (size_t i = 0; i < batch.size(); ++i) {
        if (*rc::gen::inRange(0, 3) == 0) ab[i] = 1;
        if (*rc::gen::inRange(0, 3) == 0) bb[i] = 1;
      }
      if (*rc::gen::inRange(0, 2) == 0 && !bb.empty()) bb.erase(bb.begin());
      const int64_t m = *rc::gen::inRange(1, 14), k = *rc::gen::inRange(1, 14),
                    n = *rc::gen::inRange(1, 14);
      // Now and then an operand is a 1-D vector.
      const bool aVec = *rc::gen::inRange(0, 6) == 0, bVec = *rc::gen::inRange(0, 6) == 0;
      Shape as = aVec ? Shape{k} : ab, bs = bVec ? Shape{k} : bb;
      if (!aVec) as.insert(as.end(), {m, k});
      if (!bVec) bs.insert(bs.end(), {k, n});
      return std::pair(*genTensorOfShape(as, -2, 2), *genTensorOfShape(bs, -2, 2));
    };
    QVERIFY(rc::check("matmul: oneDNN == reference == oracle", [&] {
      auto [a, b] = gen();
      RC_ASSERT(mm(a, b).check() == "");
    }));
    QVERIFY(checkN("matmul: ONNX Runtime agrees", 10, [&] {
      auto [a, b] = gen();
      RC_ASSERT(mm(a, b).checkOnnx() == "");
    }));
  }
  // Not a pass/fail check: prints how much the oneDNN path gains on an attention-sized product.
  void benchmark() {
    OpCase c = OpCase("MatMul")
                   .input(randn({1, 2, 400, 32}, 1), "a")
                   .input(randn({1, 2, 32, 400}, 2), "b");
    for (bool ref : {false, true}) {
      Evaluator ev;
      for (auto& [k, v] : c.feeds()) ev.setFeed(k, v);
      Graph g = c.graph();
      EvalOptions opt;
      opt.reference = ref;
      ev.run(g, opt);
      const NodeId a = g.findByName("a")->id;
      auto t0 = std::chrono::steady_clock::now();
      const int iters = 20;
      for (int i = 0; i < iters; ++i) {
        ev.setFeed("a", randn({1, 2, 400, 32}, uint64_t(i)));
        QVERIFY(ev.run(g, opt).ok());
      }
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
          iters;
      (void)a;
      qInfo("MatMul [1,2,400,32] x [1,2,32,400]: %s %.2f ms", ref ? "reference" : "oneDNN", ms);
    }
  }
};

QTEST_APPLESS_MAIN(TestMatMul)
#include "test_matmul.moc"
