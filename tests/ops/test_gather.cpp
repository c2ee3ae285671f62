// Gather: hand-computed cases, negative indices, N-D indices, errors, ONNX Runtime.
#include <QtTest>
#include <rapidcheck.h>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

class TestGather : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void axis0() {
    Tensor d = Tensor::fromFloats({3, 2}, {1, 2, 3, 4, 5, 6});
    Tensor i = Tensor::fromInt64({2, 2}, {0, 1, 1, 2});
    Tensor y = Tensor::fromFloats({2, 2, 2}, {1, 2, 3, 4, 3, 4, 5, 6});
    NC_CHECK(OpCase("Gather").input(d).constant(i).expect(y).check());
    NC_CHECK(OpCase("Gather").input(d).constant(i).checkOnnx());
  }
  void axis1Negative() {
    Tensor d = Tensor::fromFloats({2, 3}, {1, 2, 3, 4, 5, 6});
    Tensor i = Tensor::fromInt64({2}, {-1, 0});
    NC_CHECK(OpCase("Gather").attr("axis", int64_t(-1)).input(d).constant(i)
                 .expect(Tensor::fromFloats({2, 2}, {3, 1, 6, 4})).check());
    NC_CHECK(OpCase("Gather").attr("axis", int64_t(1)).input(d).constant(i).checkOnnx());
  }
  void scalarIndex() {
    Tensor d = Tensor::fromInt64({4}, {10, 20, 30, 40});
    NC_CHECK(OpCase("Gather").input(d).constant(Tensor::fromInt64({}, {2})).expect(Tensor::fromInt64({}, {30})).check());
  }
  void outOfRangeIsAnError() {
    Tensor d = Tensor::fromFloats({2}, {1, 2});
    std::string msg = OpCase("Gather").input(d).constant(Tensor::fromInt64({1}, {5})).check();
    QVERIFY2(msg.find("out of range") != std::string::npos, msg.c_str());
  }
  void badAxisDiagnostic() {
    Graph g = OpCase("Gather").attr("axis", int64_t(3)).input(Tensor(DType::Float32, {2, 2}))
                  .constant(Tensor::fromInt64({1}, {0})).graph();
    ShapeInfo s = inferShapes(g);
    QCOMPARE(int(s.diagnostics.size()), 1);
    QVERIFY2(s.diagnostics[0].message.find("[2, 2]") != std::string::npos, s.diagnostics[0].message.c_str());
  }
  void property() {
    QVERIFY(rc::check("Gather of arange(n) along axis 0 returns the (normalised) indices", [] {
      const int64_t n = *rc::gen::inRange<int64_t>(1, 20);
      std::vector<float> d(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) d[size_t(k)] = float(k);
      const auto idx = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(-n, n));
      std::vector<float> expect;
      for (int64_t v : idx) expect.push_back(float(v < 0 ? v + n : v));
      Tensor i = Tensor::fromInt64({int64_t(idx.size())}, idx);
      RC_ASSERT(OpCase("Gather").input(Tensor::fromFloats({n}, d)).constant(i)
                    .expect(Tensor::fromFloats({int64_t(idx.size())}, expect)).check() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestGather)
#include "test_gather.moc"
