#include "core/ops/transpose.h"

#include <set>

#include "core/ops/util/tensor_util.h"

namespace nc {

namespace {

// The permutation for rank r: the attribute, or the reversed axes. Throws ShapeError if invalid.
std::vector<int> permutation(const std::vector<int64_t>& perm, bool given, int r) {
  std::vector<int> p(static_cast<size_t>(r));
  if (!given) {
    for (int i = 0; i < r; ++i) p[size_t(i)] = r - 1 - i;
    return p;
  }
  std::string text = "[";
  for (size_t i = 0; i < perm.size(); ++i) text += (i ? ", " : "") + std::to_string(perm[i]);
  text += "]";
  if (int(perm.size()) != r)
    throw ShapeError("perm " + text + " has " + std::to_string(perm.size()) +
                     " entries for an input of rank " + std::to_string(r));
  std::set<int64_t> seen;
  for (int i = 0; i < r; ++i) {
    int64_t v = perm[size_t(i)];
    if (v < 0 || v >= r || !seen.insert(v).second)
      throw ShapeError("perm " + text + " is not a permutation of 0.." + std::to_string(r - 1));
    p[size_t(i)] = int(v);
  }
  return p;
}

std::vector<TensorType> inferTranspose(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x) return {TensorType::unknown()};
  if (!x->rankKnown) {
    if (ctx.attrs.has("perm"))
      return {TensorType::of(Shape(ctx.attrs.ints("perm").size(), -1), x->dtype)};
    return {*x};
  }
  const int r = int(x->dims.size());
  std::vector<int> p;
  try {
    p = permutation(ctx.attrs.ints("perm"), ctx.attrs.has("perm"), r);
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 0);
  }
  Shape out(static_cast<size_t>(r));
  for (int i = 0; i < r; ++i) out[size_t(i)] = x->dims[size_t(p[size_t(i)])];
  return {TensorType::of(out, x->dtype)};
}

class TransposeKernel : public Kernel {
 public:
  TransposeKernel(const AttrReader& a, bool fast)
      : perm_(a.ints("perm")), given_(a.has("perm")), fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    const int r = x.rank();
    std::vector<int> p = permutation(perm_, given_, r);
    Shape out(static_cast<size_t>(r));
    for (int i = 0; i < r; ++i) out[size_t(i)] = x.dim(p[size_t(i)]);
    Tensor y(x.dtype(), out);
    const std::vector<int64_t> inStrides = contiguousStrides(x.shape());
    // Input stride of each output axis.
    std::vector<int64_t> st(static_cast<size_t>(r));
    for (int i = 0; i < r; ++i) st[size_t(i)] = inStrides[size_t(p[size_t(i)])];
    dispatchDType(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* px = dataOf<T>(x);
      T* py = dataOf<T>(y);
      const int64_t n = y.numel();
      if (!fast_) {
        // The definition: decompose each output index, gather.
        for (int64_t i = 0; i < n; ++i) {
          int64_t rem = i, src = 0;
          for (int d = r - 1; d >= 0; --d) {
            src += (rem % out[size_t(d)]) * st[size_t(d)];
            rem /= out[size_t(d)];
          }
          py[i] = px[src];
        }
        return;
      }
      if (n == 0) return;
      // Odometer over the output with an innermost strided run.
      const int64_t inner = r ? out[size_t(r - 1)] : 1, sInner = r ? st[size_t(r - 1)] : 0;
      std::vector<int64_t> idx(size_t(r), 0);
      int64_t src = 0;
      for (int64_t i = 0; i < n; i += inner) {
        for (int64_t j = 0; j < inner; ++j) py[i + j] = px[src + j * sInner];
        for (int d = r - 2; d >= 0; --d) {
          size_t ud = size_t(d);
          if (++idx[ud] < out[ud]) {
            src += st[ud];
            break;
          }
          src -= st[ud] * (out[ud] - 1);
          idx[ud] = 0;
        }
      }
    });
    return {y};
  }

 private:
  std::vector<int64_t> perm_;
  bool given_, fast_;
};

}  // namespace

const OpSpec& transposeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Transpose";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Transpose";
    s.doc = "Permutes the axes: output dim i is input dim perm[i] (default: reversed order)";
    s.inputs = {in("data")};
    s.outputs = {in("transposed")};
    s.attrs = {attrInts("perm", std::nullopt, "a permutation of 0..rank-1; absent: reverse")};
    s.infer = inferTranspose;
    s.reference = [](const AttrReader& a) { return std::make_unique<TransposeKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<TransposeKernel>(a, true); };
    return s;
  }();
  return spec;
}

}  // namespace nc
