#include "core/ops/squeeze.h"

#include <set>

#include "core/ops/util/int_inputs.h"

namespace nc {

namespace {

// in may hold -1; with axes absent, an unknown dim makes the result's rank unknown (nullopt).
std::optional<Shape> squeezeShape(const Shape& in,
                                  const std::optional<std::vector<int64_t>>& axes) {
  Shape out;
  if (!axes) {
    for (int64_t d : in) {
      if (d < 0) return std::nullopt;
      if (d != 1) out.push_back(d);
    }
    return out;
  }
  std::vector<int> ax = normalizeAxes(*axes, int(in.size()));
  std::set<int> drop(ax.begin(), ax.end());
  for (int i = 0; i < int(in.size()); ++i) {
    const int64_t d = in[size_t(i)];
    if (!drop.count(i))
      out.push_back(d);
    else if (d >= 0 && d != 1)
      throw ShapeError("cannot squeeze axis " + std::to_string(i) + " of shape " +
                       shapeToString(in) + ": its size is " + std::to_string(d) + ", not 1");
  }
  return out;
}

std::vector<TensorType> inferSqueeze(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  DType dt = x ? x->dtype : DType::Float32;
  bool dynamic = false;
  auto axes = staticIntsOrAttr(ctx, 1, "axes", &dynamic);
  if (!x || !x->rankKnown || dynamic) return {TensorType::unknown(dt)};
  try {
    auto s = squeezeShape(x->dims, axes);
    return {s ? TensorType::of(*s, dt) : TensorType::unknown(dt)};
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), ctx.hasInput(1) ? 1 : 0);
  }
}

}  // namespace

const OpSpec& squeezeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Squeeze";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Squeeze";
    s.doc = "Removes the listed size-1 dimensions (all of them when no axes are given)";
    s.inputs = {in("data"), setting("axes", true, "int64 axes to remove")};
    s.outputs = {in("squeezed")};
    s.attrs = {
        attrInts("axes", std::nullopt, "axes when the 'axes' input is unbound (opset < 13 form)")};
    s.infer = inferSqueeze;
    s.reference = [](const AttrReader& a) {
      std::optional<std::vector<int64_t>> attr =
          a.has("axes") ? std::optional(a.ints("axes")) : std::nullopt;
      return makeKernel([attr](std::span<const Tensor> in) {
        auto axes = runtimeInts(in, 1, "axes");
        return std::vector<Tensor>{
            in[0].reshaped(*squeezeShape(in[0].shape(), axes ? axes : attr))};
      });
    };
    s.exportOnnx = [](ExportContext& ctx, const AttrReader& a) {
      std::vector<std::string> ins = {ctx.input(0)};
      if (std::string axes = exportIntsInput(ctx, a, 1, "axes"); !axes.empty()) ins.push_back(axes);
      ctx.addNode("Squeeze", ins, {ctx.output(0)});
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
