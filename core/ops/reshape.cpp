#include "core/ops/reshape.h"

#include "core/ops/util/int_inputs.h"

namespace nc {

namespace {

std::string listText(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

Shape reshapeTarget(const Shape& in, const std::vector<int64_t>& request, bool allowzero) {
  Shape out(request.size());
  int inferAt = -1;
  bool hasZero = false;
  for (size_t i = 0; i < request.size(); ++i) {
    int64_t r = request[i];
    if (r == -1) {
      if (inferAt >= 0) throw ShapeError("shape " + listText(request) + " has more than one -1");
      inferAt = int(i);
      out[i] = -1;
    } else if (r < -1) {
      throw ShapeError("shape " + listText(request) + " has an invalid dimension " +
                       std::to_string(r));
    } else if (r == 0 && !allowzero) {
      if (i >= in.size())
        throw ShapeError("shape " + listText(request) + " copies dimension " + std::to_string(i) +
                         " (0) but the input " + shapeToString(in) + " has rank " +
                         std::to_string(in.size()));
      out[i] = in[i];
    } else {
      hasZero = hasZero || r == 0;
      out[i] = r;
    }
  }
  if (allowzero && hasZero && inferAt >= 0)
    throw ShapeError("shape " + listText(request) +
                     " has both 0 and -1, which allowzero=1 forbids");
  bool inKnown = true;
  int64_t inNumel = 1;
  for (int64_t d : in) {
    if (d < 0)
      inKnown = false;
    else
      inNumel *= d;
  }
  int64_t known = 1;
  bool outKnown = true;
  for (size_t i = 0; i < out.size(); ++i)
    if (int(i) != inferAt) {
      if (out[i] < 0)
        outKnown = false;
      else
        known *= out[i];
    }
  if (!inKnown || !outKnown) return out;
  if (inferAt >= 0) {
    if (known == 0 || inNumel % known != 0)
      throw ShapeError("cannot reshape input " + shapeToString(in) + " (" +
                       std::to_string(inNumel) + " elements) to " + listText(request) +
                       ": the -1 dimension cannot be inferred");
    out[size_t(inferAt)] = inNumel / known;
  } else if (known != inNumel) {
    throw ShapeError("cannot reshape input " + shapeToString(in) + " (" + std::to_string(inNumel) +
                     " elements) to " + listText(request) + " (" + std::to_string(known) +
                     " elements)");
  }
  return out;
}

namespace {

std::vector<TensorType> inferReshape(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  const auto& sh = ctx.input(1);
  DType dt = x ? x->dtype : DType::Float32;
  auto request = staticInts(ctx, 1);
  if (!request) {
    if (sh && sh->rankKnown && sh->dims.size() == 1 && sh->dims[0] >= 0)
      return {unknownDims(int(sh->dims[0]), dt)};
    return {TensorType::unknown(dt)};
  }
  const bool allowzero = ctx.attrs.i("allowzero") != 0;
  if (!x || !x->rankKnown) {
    // Without the input's rank, only explicit positive dims are known.
    Shape out(request->size(), -1);
    for (size_t i = 0; i < out.size(); ++i)
      if ((*request)[i] > 0 || ((*request)[i] == 0 && allowzero)) out[i] = (*request)[i];
    return {TensorType::of(out, dt)};
  }
  try {
    return {TensorType::of(reshapeTarget(x->dims, *request, allowzero), dt)};
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), 1);
  }
}

class ReshapeKernel : public Kernel {
 public:
  explicit ReshapeKernel(const AttrReader& a) : allowzero_(a.i("allowzero") != 0) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    auto request = runtimeInts(in, 1, "shape");
    if (!request) throw Error("input 'shape' is not given");
    return {in[0].reshaped(reshapeTarget(in[0].shape(), *request, allowzero_))};
  }

 private:
  bool allowzero_;
};

}  // namespace

const OpSpec& reshapeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Reshape";
    s.sinceVersion = 14;
    s.minImportOpset = 5;  // shape as an input since opset 5
    s.category = "Tensor";
    s.caption = "Reshape";
    s.doc = "Same data, new shape: 0 copies the input dimension (unless allowzero), -1 is inferred";
    s.inputs = {in("data"), setting("shape", false, "int64 target shape")};
    s.outputs = {in("reshaped")};
    s.attrs = {
        attrInt("allowzero", 0, 0, 1, "1: a 0 in shape means an empty dimension, not a copy")};
    s.infer = inferReshape;
    s.reference = [](const AttrReader& a) { return std::make_unique<ReshapeKernel>(a); };
    return s;
  }();
  return spec;
}

}  // namespace nc
