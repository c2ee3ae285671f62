#include "core/ops/unsqueeze.h"

#include <set>

#include "core/ops/util/int_inputs.h"

namespace nc {

namespace {

Shape unsqueezeShape(const Shape& in, const std::vector<int64_t>& axes) {
  const int r = int(in.size() + axes.size());
  std::vector<int> ax = normalizeAxes(axes, r);
  std::set<int> ins(ax.begin(), ax.end());
  Shape out;
  size_t j = 0;
  for (int i = 0; i < r; ++i) out.push_back(ins.count(i) ? 1 : in[j++]);
  return out;
}

std::vector<TensorType> inferUnsqueeze(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  DType dt = x ? x->dtype : DType::Float32;
  bool dynamic = false;
  auto axes = staticIntsOrAttr(ctx, 1, "axes", &dynamic);
  if (!x || !x->rankKnown) return {TensorType::unknown(dt)};
  if (!axes) {
    const auto& at = ctx.input(1);
    if (dynamic && at && at->rankKnown && at->dims.size() == 1 && at->dims[0] >= 0)
      return {unknownDims(int(x->dims.size() + size_t(at->dims[0])), dt)};
    return {TensorType::unknown(dt)};
  }
  try {
    return {TensorType::of(unsqueezeShape(x->dims, *axes), dt)};
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ", output rank " +
                 std::to_string(x->dims.size() + axes->size()) + ")",
             ctx.hasInput(1) ? 1 : 0);
  }
}

}  // namespace

const OpSpec& unsqueezeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Unsqueeze";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Unsqueeze";
    s.doc = "Inserts size-1 dimensions at the listed axes (positions in the output)";
    s.inputs = {in("data"), setting("axes", true, "int64 output positions of the new dims")};
    s.outputs = {in("expanded")};
    s.attrs = {
        attrInts("axes", std::nullopt, "axes when the 'axes' input is unbound (opset < 13 form)")};
    s.infer = inferUnsqueeze;
    s.reference = [](const AttrReader& a) {
      std::optional<std::vector<int64_t>> attr =
          a.has("axes") ? std::optional(a.ints("axes")) : std::nullopt;
      return makeKernel([attr](std::span<const Tensor> in) {
        auto axes = runtimeInts(in, 1, "axes");
        if (!axes) axes = attr;
        if (!axes) throw Error("Unsqueeze needs axes (an int64 input)");
        return std::vector<Tensor>{in[0].reshaped(unsqueezeShape(in[0].shape(), *axes))};
      });
    };
    s.exportOnnx = [](ExportContext& ctx, const AttrReader& a) {
      std::string axes = exportIntsInput(ctx, a, 1, "axes");
      if (axes.empty()) throw Error("Unsqueeze '" + a.node().name + "' has no axes to export");
      ctx.addNode("Unsqueeze", {ctx.input(0), axes}, {ctx.output(0)});
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
