#include "core/ops/util/reduce.h"

#include <cmath>
#include <limits>

#include "core/ops/util/int_inputs.h"

namespace nc {

namespace {

// Which axes of a rank-r input are reduced (empty result: none, i.e. the identity).
std::vector<bool> reducedAxes(const std::optional<std::vector<int64_t>>& axes, bool noopWithEmpty,
                              int r) {
  std::vector<bool> red(size_t(r), false);
  if (!axes || axes->empty()) {
    if (!noopWithEmpty) red.assign(size_t(r), true);
    return red;
  }
  for (int a : normalizeAxes(*axes, r)) red[size_t(a)] = true;
  return red;
}

Shape reducedShape(const Shape& in, const std::vector<bool>& red, bool keepdims) {
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!red[i])
      out.push_back(in[i]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

std::vector<TensorType> inferReduce(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  const bool keepdims = ctx.attrs.i("keepdims") != 0;
  bool dynamic = false;
  auto axes = staticIntsOrAttr(ctx, 1, "axes", &dynamic);
  if (!x || !x->rankKnown) return {TensorType::unknown()};
  const int r = int(x->dims.size());
  if (dynamic) return {keepdims ? unknownDims(r, DType::Float32) : TensorType::unknown()};
  try {
    auto red = reducedAxes(axes, ctx.attrs.i("noop_with_empty_axes") != 0, r);
    return {TensorType::of(reducedShape(x->dims, red, keepdims))};
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")",
             ctx.hasInput(1) ? 1 : 0);
  }
}

// The reference: every input element folded into its output element in double.
class ReduceKernel : public Kernel {
 public:
  ReduceKernel(const AttrReader& a, ReduceKind kind)
      : kind_(kind),
        keepdims_(a.i("keepdims") != 0),
        noop_(a.i("noop_with_empty_axes") != 0),
        attrAxes_(a.has("axes") ? std::optional(a.ints("axes")) : std::nullopt) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    auto axes = runtimeInts(in, 1, "axes");
    if (!axes) axes = attrAxes_;
    const int r = x.rank();
    auto red = reducedAxes(axes, noop_, r);
    const Shape kept = reducedShape(x.shape(), red, true);
    // Output offset stride per input axis: 0 on reduced axes.
    std::vector<int64_t> ost = contiguousStrides(kept);
    for (int d = 0; d < r; ++d)
      if (red[size_t(d)]) ost[size_t(d)] = 0;
    const int64_t nOut = shapeNumel(kept), nIn = x.numel();
    const int64_t count = nOut ? nIn / nOut : 0;
    std::vector<double> acc(
        size_t(nOut), kind_ == ReduceKind::Max ? -std::numeric_limits<double>::infinity() : 0.0);
    const float* px = x.f32();
    std::vector<int64_t> idx(size_t(r), 0);
    int64_t o = 0;
    for (int64_t i = 0; i < nIn; ++i) {
      const double v = px[i];
      double& a = acc[size_t(o)];
      if (kind_ == ReduceKind::Max)
        a = (std::isnan(v) || v > a) ? v : a;
      else
        a += v;
      for (int d = r - 1; d >= 0; --d) {
        size_t ud = size_t(d);
        if (++idx[ud] < x.dim(d)) {
          o += ost[ud];
          break;
        }
        o -= ost[ud] * (x.dim(d) - 1);
        idx[ud] = 0;
      }
    }
    Tensor y(DType::Float32, reducedShape(x.shape(), red, keepdims_));
    float* py = y.f32();
    for (int64_t j = 0; j < nOut; ++j)
      py[j] = float(kind_ == ReduceKind::Mean ? acc[size_t(j)] / double(count) : acc[size_t(j)]);
    return {y};
  }

 private:
  ReduceKind kind_;
  bool keepdims_, noop_;
  std::optional<std::vector<int64_t>> attrAxes_;
};

}  // namespace

OpSpec reduceOpSpec(std::string type, std::string doc, ReduceKind kind) {
  OpSpec s;
  s.type = s.onnxType = type;
  s.sinceVersion = 18;
  s.minImportOpset = 1;
  s.category = "Reduction";
  s.caption = type;
  s.doc = std::move(doc);
  s.inputs = {in("data"), setting("axes", true, "int64 axes to reduce (opset 18 form)")};
  s.outputs = {in("reduced")};
  s.attrs = {
      attrInts("axes", std::nullopt, "axes when the 'axes' input is unbound (opset 13-17 form)"),
      attrInt("keepdims", 1, 0, 1, "keep reduced axes as size 1"),
      attrInt("noop_with_empty_axes", 0, 0, 1,
              "with no axes: 1 passes the input through, 0 reduces all"),
  };
  s.infer = inferReduce;
  s.reference = [kind](const AttrReader& a) { return std::make_unique<ReduceKernel>(a, kind); };
  s.exportOnnx = [type](ExportContext& ctx, const AttrReader& a) {
    std::vector<std::pair<std::string, AttrValue>> attrs;
    if (a.has("keepdims")) attrs.emplace_back("keepdims", a.i("keepdims"));
    if (ctx.opset() >= 18) {
      if (a.has("noop_with_empty_axes"))
        attrs.emplace_back("noop_with_empty_axes", a.i("noop_with_empty_axes"));
      std::vector<std::string> ins = {ctx.input(0)};
      if (std::string axes = exportIntsInput(ctx, a, 1, "axes"); !axes.empty()) ins.push_back(axes);
      ctx.addNode(type, ins, {ctx.output(0)}, attrs);
      return;
    }
    // Opset 13-17: axes is an attribute, so it must be known when exporting.
    auto axes = exportStaticInts(a, 1, "axes",
                                 "opset " + std::to_string(ctx.opset()) +
                                     " needs constant axes (export at opset 18 instead)");
    if (axes && !axes->empty()) {
      attrs.emplace_back("axes", *axes);
    } else if (a.i("noop_with_empty_axes") != 0) {
      ctx.addNode("Identity", {ctx.input(0)}, {ctx.output(0)});
      return;
    }
    ctx.addNode(type, {ctx.input(0)}, {ctx.output(0)}, attrs);
  };
  return s;
}

}  // namespace nc
