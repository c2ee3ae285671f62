#include "core/ops/expand.h"

#include "core/ops/util/int_inputs.h"
#include "core/ops/util/shape_util.h"
#include "core/ops/util/tensor_util.h"

namespace nc {

namespace {

std::vector<TensorType> inferExpand(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  const auto& sh = ctx.input(1);
  DType dt = x ? x->dtype : DType::Float32;
  auto shape = staticInts(ctx, 1);
  if (!x || !x->rankKnown) return {TensorType::unknown(dt)};
  if (!shape) {
    if (sh && sh->rankKnown && sh->dims.size() == 1 && sh->dims[0] >= 0)
      return {unknownDims(int(std::max<size_t>(x->dims.size(), size_t(sh->dims[0]))), dt)};
    return {TensorType::unknown(dt)};
  }
  for (int64_t d : *shape)
    if (d < 0) ctx.fail("shape " + shapeToString(*shape) + " has a negative dimension", 1);
  try {
    return {TensorType::of(broadcastShapes(x->dims, *shape), dt)};
  } catch (const ShapeError& e) {
    ctx.fail(std::string("input ") + shapeToString(x->dims) + " cannot be expanded to shape " +
                 shapeToString(*shape) + ": " + e.what(),
             1);
  }
}

}  // namespace

const OpSpec& expandOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Expand";
    s.sinceVersion = 13;
    s.minImportOpset = 8;
    s.category = "Tensor";
    s.caption = "Expand";
    s.doc =
        "Broadcasts the input to `shape` (NumPy rules, both ways: a 1 in shape keeps the input's "
        "dim)";
    s.inputs = {in("input"), setting("shape", false, "int64 target shape")};
    s.outputs = {in("output")};
    s.infer = inferExpand;
    s.reference = [](const AttrReader&) {
      return makeKernel([](std::span<const Tensor> in) {
        auto shape = runtimeInts(in, 1, "shape");
        if (!shape) throw Error("input 'shape' is not given");
        for (int64_t d : *shape)
          if (d < 0) throw Error("shape " + shapeToString(*shape) + " has a negative dimension");
        return std::vector<Tensor>{broadcastTo(in[0], broadcastShapes(in[0].shape(), *shape))};
      });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
