#include "core/ops/gemm.h"

#include "core/ops/matmul.h"
#include "core/ops/util/tensor_util.h"

namespace nc {

namespace {

struct GemmDims {
  int64_t m, k, n;
};

// Shapes may hold -1. Throws ShapeError naming the shapes.
GemmDims gemmDims(const Shape& a, const Shape& b, bool transA, bool transB) {
  if (a.size() != 2) throw ShapeError("input 'A' must be 2-D, got shape " + shapeToString(a));
  if (b.size() != 2) throw ShapeError("input 'B' must be 2-D, got shape " + shapeToString(b));
  GemmDims d{transA ? a[1] : a[0], transA ? a[0] : a[1], transB ? b[0] : b[1]};
  const int64_t kb = transB ? b[1] : b[0];
  if (d.k >= 0 && kb >= 0 && d.k != kb)
    throw ShapeError("inner dimensions do not match: A " + shapeToString(a) +
                     (transA ? " (transposed)" : "") + " has K = " + std::to_string(d.k) + ", B " +
                     shapeToString(b) + (transB ? " (transposed)" : "") +
                     " has K = " + std::to_string(kb));
  if (d.k < 0) d.k = kb;
  return d;
}

// C must broadcast unidirectionally to [M, N].
void checkC(const Shape& c, int64_t m, int64_t n) {
  bool ok = c.size() <= 2;
  const int64_t want[2] = {m, n};
  for (size_t i = 0; ok && i < c.size(); ++i) {
    int64_t w = want[2 - c.size() + i];
    ok = c[i] == 1 || c[i] < 0 || w < 0 || c[i] == w;
  }
  if (!ok)
    throw ShapeError("input 'C' of shape " + shapeToString(c) +
                     " cannot be broadcast to the output [" +
                     (m < 0 ? std::string("?") : std::to_string(m)) + ", " +
                     (n < 0 ? std::string("?") : std::to_string(n)) + "]");
}

std::vector<TensorType> inferGemm(const InferContext& ctx) {
  const auto& a = ctx.input(0);
  const auto& b = ctx.input(1);
  const bool ta = ctx.attrs.i("transA") != 0, tb = ctx.attrs.i("transB") != 0;
  if (!a || !b || !a->rankKnown || !b->rankKnown) return {TensorType::of({-1, -1})};
  GemmDims d;
  try {
    d = gemmDims(a->dims, b->dims, ta, tb);
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), a->dims.size() != 2 ? 0 : 1);
  }
  if (const auto& c = ctx.input(2); c && c->rankKnown) try {
      checkC(c->dims, d.m, d.n);
    } catch (const ShapeError& e) {
      ctx.fail(e.what(), 2);
    }
  return {TensorType::of({d.m, d.n})};
}

class GemmKernel : public Kernel {
 public:
  GemmKernel(const AttrReader& a, bool fast)
      : alpha_(a.f("alpha")),
        beta_(a.f("beta")),
        transA_(a.i("transA") != 0),
        transB_(a.i("transB") != 0),
        fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor &a = in[0], &b = in[1];
    const Tensor* c = in.size() > 2 && !in[2].empty() ? &in[2] : nullptr;
    GemmDims d = gemmDims(a.shape(), b.shape(), transA_, transB_);
    if (c) checkC(c->shape(), d.m, d.n);
    const int64_t m = d.m, k = d.k, n = d.n;
    Tensor y(DType::Float32, {m, n});
    float* py = y.f32();
    const float *pa = a.f32(), *pb = b.f32();
    // Element strides of A' [M, K] and B' [K, N] over the stored layouts.
    const int64_t aRow = transA_ ? 1 : k, aCol = transA_ ? m : 1;
    const int64_t bRow = transB_ ? 1 : n, bCol = transB_ ? k : 1;
    if (fast_) {
      if (y.numel() > 0 && k > 0)
        cache_.run({m, k}, {aRow, aCol}, pa, {k, n}, {bRow, bCol}, pb, {m, n}, py);
      if (alpha_ != 1.0f)
        for (int64_t i = 0; i < m * n; ++i) py[i] *= alpha_;
    } else {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double acc = 0;
          for (int64_t p = 0; p < k; ++p)
            acc += double(pa[i * aRow + p * aCol]) * double(pb[p * bRow + j * bCol]);
          py[i * n + j] = float(double(alpha_) * acc);
        }
    }
    if (c && beta_ != 0.0f) {
      Tensor cb = broadcastTo(*c, {m, n});
      const float* pc = cb.f32();
      for (int64_t i = 0; i < m * n; ++i) py[i] += beta_ * pc[i];
    }
    return {y};
  }

 private:
  float alpha_, beta_;
  bool transA_, transB_, fast_;
  DnnlMatmulCache cache_;
};

}  // namespace

const OpSpec& gemmOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Gemm";
    s.sinceVersion = 13;
    s.minImportOpset = 7;  // unidirectional broadcasting of C since opset 7
    s.category = "Linear";
    s.caption = "Gemm";
    s.doc =
        "Y = alpha * A' x B' + beta * C (A' = A^T if transA, B' = B^T if transB; C broadcast to "
        "[M, N])";
    s.inputs = {in("A"), param("B"), param("C", true)};
    s.outputs = {in("Y")};
    s.attrs = {
        attrFloat("alpha", 1.0f, -1e9, 1e9, "scale of A' x B'"),
        attrFloat("beta", 1.0f, -1e9, 1e9, "scale of C"),
        attrInt("transA", 0, 0, 1, "transpose A"),
        attrInt("transB", 0, 0, 1, "transpose B"),
    };
    s.infer = inferGemm;
    s.reference = [](const AttrReader& a) { return std::make_unique<GemmKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<GemmKernel>(a, true); };
    return s;
  }();
  return spec;
}

}  // namespace nc
