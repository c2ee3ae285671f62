#include "core/ops/softmax.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "core/ops/util/parallel.h"
#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

std::vector<TensorType> inferSoftmax(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x) return {TensorType::unknown()};
  if (x->rankKnown) {
    if (x->dims.empty()) ctx.fail("input 'input' must have rank >= 1, got a scalar", 0);
    try {
      normalizeAxis(ctx.attrs.i("axis"), int(x->dims.size()));
    } catch (const ShapeError& e) {
      ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 0);
    }
  }
  return {*x};
}

// Sets flush-to-zero and denormals-are-zero for its lifetime (x86): exp(x - max) of a far-off
// logit is denormal, and denormal arithmetic is ~100x slower (YOLO's DFL softmax: 8 ms -> 1 ms).
// Changes only values below FLT_MIN (1.2e-38) to zero.
class FlushDenormals {
 public:
#if defined(__SSE__)
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }
  ~FlushDenormals() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

// One kernel for both paths: the reference accumulates the sum in double, one strided lane at a
// time; the fast path keeps float and uses Eigen's vectorised exp, along a contiguous row when
// the axis is the last one, else on all `inner` lanes at once (rows of the axis are contiguous).
class SoftmaxKernel : public Kernel {
 public:
  SoftmaxKernel(const AttrReader& a, bool fast) : axis_(a.i("axis")), fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    if (x.rank() == 0) throw Error("Softmax needs an input of rank >= 1");
    const int axis = normalizeAxis(axis_, x.rank());
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= x.dim(i);
    for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
    const int64_t n = x.dim(axis);
    Tensor y = Tensor::uninitialized(DType::Float32, x.shape());
    const float* px = x.f32();
    float* py = y.f32();
    if (fast_) {
      // outer * inner lanes of n elements each (a row when inner == 1), split over the threads.
      parallelFor(outer * inner, std::max<int64_t>(1, kParallelElements / std::max<int64_t>(n, 1)),
                  [&](int64_t begin, int64_t end) {
                    FlushDenormals ftz;  // per thread: the MXCSR register is
                    for (int64_t o = begin / inner; o * inner < end; ++o) {
                      const int64_t j0 = std::max(begin - o * inner, int64_t(0));
                      const int64_t j1 = std::min(end - o * inner, inner);
                      const float* xo = px + o * n * inner;
                      float* yo = py + o * n * inner;
                      if (inner == 1)
                        row(xo, yo, n);
                      else if (j1 - j0 >= 8)
                        lanes(xo + j0, yo + j0, n, j1 - j0, inner);
                      else
                        for (int64_t j = j0; j < j1; ++j) strided(xo + j, yo + j, n, inner);
                    }
                  });
      return {y};
    }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const float* xs = px + o * n * inner + j;
        float* ys = py + o * n * inner + j;
        strided(xs, ys, n, inner);
      }
    return {y};
  }

 private:
  using Row = Eigen::Map<Eigen::ArrayXf>;
  using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
  static void row(const float* x, float* y, int64_t n) {
    if (n == 0) return;
    ConstRow xs(x, n);
    Row ys(y, n);
    ys = (xs - xs.maxCoeff()).exp();
    ys *= 1.0f / ys.sum();
  }
  // n rows of `width` lanes each, rows `stride` apart: softmax down every lane.
  static void lanes(const float* x, float* y, int64_t n, int64_t width, int64_t stride) {
    if (n == 0) return;
    Eigen::ArrayXf mx = ConstRow(x, width), sum = Eigen::ArrayXf::Zero(width);
    for (int64_t i = 1; i < n; ++i) mx = mx.max(ConstRow(x + i * stride, width));
    for (int64_t i = 0; i < n; ++i) {
      Row yi(y + i * stride, width);
      yi = (ConstRow(x + i * stride, width) - mx).exp();
      sum += yi;
    }
    sum = sum.inverse();
    for (int64_t i = 0; i < n; ++i) Row(y + i * stride, width) *= sum;
  }
  static void strided(const float* x, float* y, int64_t n, int64_t st) {
    float mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, x[i * st]);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(double(x[i * st]) - double(mx));
    for (int64_t i = 0; i < n; ++i)
      y[i * st] = float(std::exp(double(x[i * st]) - double(mx)) / sum);
  }

  int64_t axis_;
  bool fast_;
};

}  // namespace

const OpSpec& softmaxOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Softmax";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Activation";
    s.caption = "Softmax";
    s.doc = "Y = exp(X - max) / sum(exp(X - max)) along `axis` (numerically stable)";
    s.inputs = {in("input")};
    s.outputs = {in("output")};
    s.attrs = {
        attrInt("axis", -1, -64, 63, "the axis normalised over; negative counts from the back")};
    s.infer = inferSoftmax;
    s.reference = [](const AttrReader& a) { return std::make_unique<SoftmaxKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<SoftmaxKernel>(a, true); };
    s.importOnnx = [](ImportedNode& n) {
      if (n.opset >= 13) return;
      // Before opset 13, Softmax flattened the input to 2-D at `axis` (default 1) and normalised
      // over everything from `axis` on. That equals the opset 13 form only for the last axis.
      int64_t axis = 1;
      if (auto it = n.attrs.find("axis"); it != n.attrs.end()) axis = std::get<int64_t>(it->second);
      if (axis != -1)
        throw Error(
            "Softmax '" + n.name + "' at opset " + std::to_string(n.opset) +
            " with axis=" + std::to_string(axis) +
            " uses the pre-13 semantics (input coerced to 2-D, normalised over all axes from "
            "`axis` on), which NetCanvas supports only for axis=-1; re-export the model at "
            "opset 13 or later");
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
