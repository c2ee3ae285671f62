#include "core/ops/util/elementwise.h"

#include "core/ops/util/parallel.h"
#include "core/ops/util/shape_util.h"

namespace nc {

Tensor mapUnary(const Tensor& in, const std::function<float(float)>& f) {
  Tensor out = Tensor::uninitialized(DType::Float32, in.shape());  // every element is written
  const float* x = in.f32();
  float* y = out.f32();
  parallelFor(in.numel(), kParallelElements, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = f(x[i]);
  });
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
  s.infer = [type](const InferContext& ctx) {
    const auto& x = ctx.input(0);
    if (x && x->dtype != DType::Float32)
      ctx.fail(type + " supports float32 only; input 'X' is " + x->toString(), 0);
    return sameAsFirstInput(ctx);
  };
  s.reference = [makeFn](const AttrReader& a) {
    auto f = makeFn(a);
    return makeKernel([f](std::span<const Tensor> in) { return std::vector<Tensor>{mapUnary(in[0], f)}; });
  };
  s.blocked = BlockedForm::Pointwise;
  return s;
}

OpSpec binaryOpSpec(std::string type, std::string doc, float (*f)(float, float), int sinceVersion,
                    int64_t (*fi)(int64_t, int64_t)) {
  OpSpec s;
  s.type = s.onnxType = type;
  s.sinceVersion = sinceVersion;
  s.minImportOpset = 7;  // multidirectional broadcasting since opset 7
  s.category = "Arithmetic";
  s.caption = type;
  s.doc = std::move(doc);
  s.inputs = {in("A"), in("B")};
  s.outputs = {in("C")};
  s.infer = inferBroadcastSameType;
  s.reference = [type, f, fi](const AttrReader&) {
    return makeKernel([type, f, fi](std::span<const Tensor> in) {
      return std::vector<Tensor>{binaryReference(type, in[0], in[1], f, fi)};
    });
  };
  s.blocked = BlockedForm::Pointwise;
  return s;
}

std::vector<TensorType> inferBroadcastSameType(const InferContext& ctx) {
  for (int i = 0; i < ctx.numInputs(); ++i)
    if (!ctx.hasInput(i)) return {TensorType::unknown()};
  for (int i = 1; i < ctx.numInputs(); ++i)
    if (ctx.input(i)->dtype != ctx.input(0)->dtype)
      ctx.fail("input " + std::to_string(i) + " has element type " + ctx.input(i)->toString() +
                   " but input 0 has " + ctx.input(0)->toString() +
                   "; all inputs must have the same element type",
               i);
  return {broadcastTypes(ctx)};
}

std::vector<int64_t> broadcastStrides(const Shape& s, size_t rank) {
  std::vector<int64_t> st(rank, 0);
  auto cs = contiguousStrides(s);
  for (size_t i = 0; i < s.size(); ++i) st[rank - s.size() + i] = s[i] == 1 ? 0 : cs[i];
  return st;
}

Tensor mapBinary(const Tensor& a, const Tensor& b, const std::function<float(float, float)>& f) {
  return broadcastNaive<float, float, float>(a, a.f32(), b, b.f32(), DType::Float32, f);
}

Tensor binaryReference(const std::string& op, const Tensor& a, const Tensor& b,
                       float (*f)(float, float), int64_t (*fi)(int64_t, int64_t)) {
  if (a.dtype() != b.dtype())
    throw Error(op + ": inputs have different element types (" + dtypeName(a.dtype()) + " and " +
                dtypeName(b.dtype()) + ")");
  if (a.dtype() == DType::Float32) return mapBinary(a, b, f);
  if (!fi)
    throw Error(op + ": element type " + std::string(dtypeName(a.dtype())) + " is not supported");
  return broadcastNaive<int64_t, int64_t, int64_t>(a, a.i64(), b, b.i64(), DType::Int64, fi);
}

}  // namespace nc
