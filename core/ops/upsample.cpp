#include "core/ops/upsample.h"

#include <cmath>

#include "core/ops/resize.h"
#include "core/ops/util/checked_size.h"

namespace nc {

namespace {

ResizeParams upsampleParams(const std::string& mode) {
  ResizeParams p;
  if (mode == "nearest")
    p.mode = ResizeParams::Mode::Nearest;
  else if (mode == "linear")
    p.mode = ResizeParams::Mode::Linear;
  else
    throw Error("Upsample: mode '" + mode + "' is not supported (nearest, linear)");
  p.coord = ResizeParams::Coord::Asymmetric;
  p.rounding = ResizeParams::Rounding::Floor;
  return p;
}

class UpsampleKernel : public Kernel {
 public:
  UpsampleKernel(const AttrReader& a, bool fast)
      : params_(upsampleParams(a.s("mode"))), fast_(fast) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    ResizeInputs ins;
    ins.scales = &in[1];
    ResizePlan plan = planResize(params_, x.shape(), ins);
    checkResizeSize("Upsample", params_, plan, fast_);
    return {fast_ ? resizeFast(params_, plan, x) : resizeReference(params_, plan, x)};
  }

 private:
  ResizeParams params_;
  bool fast_;
};

std::vector<TensorType> inferUpsample(const InferContext& ctx) {
  upsampleParams(ctx.attrs.s("mode"));
  const auto& x = ctx.input(0);
  if (!x || !x->rankKnown) return {TensorType::unknown()};
  if (x->dtype != DType::Float32)
    ctx.fail(std::string("input 'X' must be float32, got ") + x->toString(), 0);
  const auto& s = ctx.input(1);
  Shape unknown(x->dims.size(), -1);
  if (!s) return {TensorType::of(unknown)};
  if (s->dtype != DType::Float32)
    ctx.fail("input 'scales' must be float32, got " + s->toString(), 1);
  if (s->rankKnown &&
      (s->dims.size() != 1 || (s->dims[0] >= 0 && size_t(s->dims[0]) != x->dims.size())))
    ctx.fail("input 'scales' has shape " + shapeToString(s->dims) + " but X has shape " +
                 shapeToString(x->dims) + ", so it needs " + std::to_string(x->dims.size()) +
                 " (one per axis of X)",
             1);
  const Tensor* v = ctx.value(1);
  if (!v) return {TensorType::of(unknown)};
  for (int64_t i = 0; i < v->numel(); ++i)
    if (!(v->f32()[i] >= 1.0f) || !std::isfinite(v->f32()[i]))
      ctx.fail("input 'scales' must be >= 1 (Upsample only enlarges); value " + std::to_string(i) +
                   " is " + std::to_string(v->f32()[i]),
               1);
  ResizeInputs ins;
  ins.scales = v;
  try {
    const Shape out = planResize(upsampleParams(ctx.attrs.s("mode")), x->dims, ins).out;
    checkInferredOutput(ctx, out, DType::Float32);
    return {TensorType::of(out)};
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), e.input() == 2 ? 1 : e.input());
  }
}

}  // namespace

const OpSpec& upsampleOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Upsample";
    s.sinceVersion = 9;
    s.minImportOpset = 9;
    s.category = "Sampling";
    s.caption = "Upsample (deprecated)";
    s.doc =
        "Upsamples X by 'scales' (>= 1): nearest or linear, asymmetric coordinates. Exported as "
        "Resize.";
    s.inputs = {in("X"), setting("scales", false, "float32, one per axis, each >= 1")};
    s.outputs = {in("Y")};
    s.attrs = {attrString("mode", "nearest", {"nearest", "linear"}, "interpolation")};
    s.infer = inferUpsample;
    s.reference = [](const AttrReader& a) { return std::make_unique<UpsampleKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<UpsampleKernel>(a, true); };
    // Upsample is deprecated from opset 10 on: write the Resize node that computes the same.
    s.exportOnnx = [](ExportContext& ctx, const AttrReader& a) {
      std::vector<std::pair<std::string, AttrValue>> attrs = {
          {"coordinate_transformation_mode", std::string("asymmetric")}, {"mode", a.s("mode")}};
      if (a.s("mode") == "nearest") attrs.emplace_back("nearest_mode", std::string("floor"));
      if (ctx.input(1).empty())
        throw Error("Upsample '" + a.node().name + "': connect 'scales' before exporting");
      ctx.addNode("Resize", {ctx.input(0), "", ctx.input(1)}, {ctx.output(0)}, attrs);
    };
    s.importOnnx = [](ImportedNode& n) {
      auto it = n.attrs.find("mode");
      if (it != n.attrs.end() && std::holds_alternative<std::string>(it->second)) {
        std::string& m = std::get<std::string>(it->second);
        if (m == "bilinear") m = "linear";
        if (m != "nearest" && m != "linear")
          throw Error("Upsample '" + n.name + "': mode '" + m +
                      "' is not supported (nearest, linear)");
      }
    };
    s.blocked = BlockedForm::SpatialResize;
    return s;
  }();
  return spec;
}

}  // namespace nc
