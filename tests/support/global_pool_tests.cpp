// Shared GlobalAveragePool / GlobalMaxPool tests (see tests/support/global_pool_tests.h).
#include "tests/support/global_pool_tests.h"

#include <rapidcheck.h>

#include <QtTest>
#include <algorithm>

#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

// The op under test (one op per test process), set by the constructor.
std::string gOp;
bool gMax = false;

// Independent oracle: one flat scan per (n, c) plane, mean in double or maximum.
Tensor oracle(const Tensor& x) {
  Shape s = x.shape();
  for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
  Tensor y(DType::Float32, s);
  const int64_t planes = x.dim(0) * x.dim(1), plane = x.numel() / planes;
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* p = x.f32() + pl * plane;
    if (gMax) {
      y.f32()[pl] = *std::max_element(p, p + plane);
    } else {
      double acc = 0;
      for (int64_t i = 0; i < plane; ++i) acc += p[i];
      y.f32()[pl] = float(acc / double(plane));
    }
  }
  return y;
}

OpCase globalCase(const Tensor& x) { return OpCase(gOp).input(x, "x").expect(oracle(x)); }

// Hand-computed: mean or maximum of the listed values.
float pick(float mean, float max) { return gMax ? max : mean; }

}  // namespace

GlobalPoolTests::GlobalPoolTests(const char* op, bool max) {
  gOp = op;
  gMax = max;
}

// Two 2x2 channels holding 1..4 and 5..8: means (1+2+3+4)/4 = 2.5 and (5+6+7+8)/4 = 6.5,
// maxima 4 and 8.
void GlobalPoolTests::basic() {
  Tensor x = Tensor::fromFloats({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  OpCase c = OpCase(gOp).input(x, "x").expect(Tensor::fromFloats({1, 2, 1, 1}, {pick(2.5f, 4), pick(6.5f, 8)}));
  NC_CHECK(c.check());
  NC_CHECK(c.checkOnnx());
  // 1D and 3D spatial extents: the ramp 0..4 in one channel, and a 2x2x2 block.
  NC_CHECK(OpCase(gOp)
               .input(Tensor::fromFloats({1, 1, 5}, {0, 1, 2, 3, 4}), "x")
               .expect(Tensor::fromFloats({1, 1, 1}, {pick(2, 4)}))
               .check());
  NC_CHECK(OpCase(gOp)
               .input(Tensor::fromFloats({1, 1, 2, 2, 2}, {1, 2, 3, 4, 1, 2, 3, 4}), "x")
               .expect(Tensor::fromFloats({1, 1, 1, 1, 1}, {pick(2.5f, 4)}))
               .check());
}

void GlobalPoolTests::ranks() {
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

void GlobalPoolTests::badInputs() {
  // Rank 2 (N x C, no spatial dim) is refused, as ONNX Runtime does.
  ShapeInfo info2 = inferShapes(OpCase(gOp).input(randn({3, 5}, 1), "x").graph());
  QVERIFY(!info2.diagnostics.empty() && info2.diagnostics.front().message.find("[3, 5]") != std::string::npos);
  ShapeInfo info = inferShapes(OpCase(gOp).input(randn({7}, 1), "x").graph());
  QVERIFY(!info.diagnostics.empty());
  const std::string& msg = info.diagnostics.front().message;
  QVERIFY2(msg.find("node 'op' (" + gOp + ")") != std::string::npos && msg.find("'X'") != std::string::npos &&
               msg.find("[7]") != std::string::npos,
           msg.c_str());
}

void GlobalPoolTests::properties() {
  QVERIFY(rc::check(gOp + ": fast == reference == oracle", [] {
    Tensor x = *genTensorOfShape(*genShape(3, 5), -10.0f, 10.0f);
    RC_ASSERT(globalCase(x).check() == "");
  }));
  QVERIFY(checkN(gOp + ": ONNX Runtime agrees", 10, [] {
    Tensor x = *genTensorOfShape(*genShape(3, 5), -10.0f, 10.0f);
    RC_ASSERT(globalCase(x).checkOnnx() == "");
  }));
}
