#include "core/ops/elementwise.h"

#include "core/ops/shape_util.h"

namespace nc {

Tensor mapUnary(const Tensor& in, const std::function<float(float)>& f) {
  Tensor out(DType::Float32, in.shape());
  const float* x = in.f32();
  float* y = out.f32();
  const int64_t n = in.numel();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
  return out;
}

OpSpec unaryOpSpec(std::string type, std::string category, std::string doc,
                   std::function<std::function<float(float)>(const AttrReader&)> makeFn,
                   std::vector<AttrSpec> attrs, int sinceVersion) {
  OpSpec s;
  s.type = type;
  s.onnxType = type;
  s.sinceVersion = sinceVersion;
  s.category = std::move(category);
  s.caption = type;
  s.doc = std::move(doc);
  s.inputs = {in("X")};
  s.outputs = {in("Y")};
  s.attrs = std::move(attrs);
  s.infer = sameAsFirstInput;
  s.reference = [makeFn](const AttrReader& a) {
    auto f = makeFn(a);
    return makeKernel([f](std::span<const Tensor> in) { return std::vector<Tensor>{mapUnary(in[0], f)}; });
  };
  return s;
}

OpSpec binaryOpSpec(std::string type, std::string doc, float (*f)(float, float), int sinceVersion) {
  OpSpec s;
  s.type = s.onnxType = type;
  s.sinceVersion = sinceVersion;
  s.minImportOpset = 7;  // multidirectional broadcasting since opset 7
  s.category = "Arithmetic";
  s.caption = type;
  s.doc = std::move(doc);
  s.inputs = {in("A"), in("B")};
  s.outputs = {in("C")};
  s.infer = [](const InferContext& ctx) {
    if (!ctx.hasInput(0) || !ctx.hasInput(1)) return std::vector<TensorType>{TensorType::unknown()};
    return std::vector<TensorType>{broadcastTypes(ctx)};
  };
  s.reference = [f](const AttrReader&) {
    return makeKernel([f](std::span<const Tensor> in) { return std::vector<Tensor>{mapBinary(in[0], in[1], f)}; });
  };
  return s;
}

Tensor mapBinary(const Tensor& a, const Tensor& b, const std::function<float(float, float)>& f) {
  Shape out = broadcastShapes(a.shape(), b.shape());
  Tensor y(DType::Float32, out);
  const int r = int(out.size());
  // Strides of a and b aligned to the output rank, 0 on broadcast dimensions.
  std::vector<int64_t> sa(size_t(r), 0), sb(size_t(r), 0);
  auto fill = [&](const Shape& s, std::vector<int64_t>& st) {
    auto cs = contiguousStrides(s);
    for (size_t i = 0; i < s.size(); ++i) {
      size_t o = size_t(r) - s.size() + i;
      st[o] = s[i] == 1 ? 0 : cs[i];
    }
  };
  fill(a.shape(), sa);
  fill(b.shape(), sb);
  const float* pa = a.f32();
  const float* pb = b.f32();
  float* py = y.f32();
  std::vector<int64_t> idx(size_t(r), 0);
  const int64_t n = y.numel();
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < n; ++i) {
    py[i] = f(pa[ia], pb[ib]);
    for (int d = r - 1; d >= 0; --d) {
      size_t ud = size_t(d);
      if (++idx[ud] < out[ud]) {
        ia += sa[ud];
        ib += sb[ud];
        break;
      }
      ia -= sa[ud] * (out[ud] - 1);
      ib -= sb[ud] * (out[ud] - 1);
      idx[ud] = 0;
    }
  }
  return y;
}

}  // namespace nc
