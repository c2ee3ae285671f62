// GlobalMaxPool: hand-computed cases, ranks 3 to 5, ONNX Runtime, a bad input, and properties
// against a per-plane maximum oracle.
#include <rapidcheck.h>

#include <QtTest>
#include <algorithm>

#include "core/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// Independent oracle: one flat scan per (n, c) plane.
Tensor oracle(const Tensor& x) {
  Shape s = x.shape();
  for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
  Tensor y(DType::Float32, s);
  const int64_t planes = x.dim(0) * x.dim(1), plane = x.numel() / planes;
  for (int64_t pl = 0; pl < planes; ++pl) {
    float m = x.f32()[pl * plane];
    for (int64_t i = 1; i < plane; ++i) m = std::max(m, x.f32()[pl * plane + i]);
    y.f32()[pl] = m;
  }
  return y;
}
OpCase globalCase(const Tensor& x) {
  return OpCase("GlobalMaxPool").input(x, "x").expect(oracle(x));
}
}  // namespace

class TestGlobalMaxPool : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Two 2x2 channels holding 1..4 and 5..8: max(1..4) = 4 and max(5..8) = 8.
  void basic() {
    Tensor x = Tensor::fromFloats({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    OpCase c =
        OpCase("GlobalMaxPool").input(x, "x").expect(Tensor::fromFloats({1, 2, 1, 1}, {4, 8}));
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
    // 1D and 3D spatial extents: the ramp 0..4 in one channel, and a 2x2x2 block.
    NC_CHECK(OpCase("GlobalMaxPool")
                 .input(Tensor::fromFloats({1, 1, 5}, {0, 1, 2, 3, 4}), "x")
                 .expect(Tensor::fromFloats({1, 1, 1}, {4}))
                 .check());
    NC_CHECK(OpCase("GlobalMaxPool")
                 .input(Tensor::fromFloats({1, 1, 2, 2, 2}, {1, 2, 3, 4, 1, 2, 3, 4}), "x")
                 .expect(Tensor::fromFloats({1, 1, 1, 1, 1}, {4}))
                 .check());
  }
  void ranks() {
    for (const Shape& s : {Shape{2, 3, 7}, Shape{1, 3, 5, 5}, Shape{2, 4, 3, 5, 7}}) {
      Tensor x = randn(s, uint64_t(s.size()));
      NC_CHECK(globalCase(x).check());
      NC_CHECK(globalCase(x).checkOnnx());
    }
    // YOLO-sized feature map.
    Tensor big = randn({1, 256, 20, 20}, 9);
    NC_CHECK(globalCase(big).check());
    NC_CHECK(globalCase(big).checkOnnx());
  }
  void badInputs() {
    // Rank 2 (N x C, no spatial dim) is refused, as ONNX Runtime does.
    ShapeInfo info2 = inferShapes(OpCase("GlobalMaxPool").input(randn({3, 5}, 1), "x").graph());
    QVERIFY(!info2.diagnostics.empty() &&
            info2.diagnostics.front().message.find("[3, 5]") != std::string::npos);
    ShapeInfo info = inferShapes(OpCase("GlobalMaxPool").input(randn({7}, 1), "x").graph());
    QVERIFY(!info.diagnostics.empty());
    const std::string& msg = info.diagnostics.front().message;
    QVERIFY2(msg.find("node 'op' (GlobalMaxPool)") != std::string::npos &&
                 msg.find("'X'") != std::string::npos && msg.find("[7]") != std::string::npos,
             msg.c_str());
  }
  void properties() {
    QVERIFY(rc::check("global_max_pool: fast == reference == oracle", [] {
      Tensor x = *genTensorOfShape(*genShape(3, 5), -10.0f, 10.0f);
      RC_ASSERT(globalCase(x).check() == "");
    }));
    QVERIFY(checkN("global_max_pool: ONNX Runtime agrees", 10, [] {
      Tensor x = *genTensorOfShape(*genShape(3, 5), -10.0f, 10.0f);
      RC_ASSERT(globalCase(x).checkOnnx() == "");
    }));
  }
};

QTEST_APPLESS_MAIN(TestGlobalMaxPool)
#include "test_global_max_pool.moc"
