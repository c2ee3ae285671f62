#include "core/ops/flatten.h"

namespace nc {

namespace {

// Axis in [-r, r]; ShapeError otherwise.
int flattenAxis(int64_t axis, int r) {
  if (axis < -r || axis > r)
    throw ShapeError("axis " + std::to_string(axis) + " is out of range [" + std::to_string(-r) +
                     ", " + std::to_string(r) + "] for rank " + std::to_string(r));
  return int(axis < 0 ? axis + r : axis);
}

Shape flattenShape(const Shape& in, int axis) {
  int64_t a = 1, b = 1;
  for (int i = 0; i < int(in.size()); ++i) {
    int64_t& acc = i < axis ? a : b;
    if (acc < 0) continue;
    acc = in[size_t(i)] < 0 ? -1 : acc * in[size_t(i)];
  }
  return {a, b};
}

std::vector<TensorType> inferFlatten(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x) return {TensorType::of({-1, -1})};
  if (!x->rankKnown) return {TensorType::of({-1, -1}, x->dtype)};
  int axis = 0;
  try {
    axis = flattenAxis(ctx.attrs.i("axis"), int(x->dims.size()));
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 0);
  }
  return {TensorType::of(flattenShape(x->dims, axis), x->dtype)};
}

}  // namespace

const OpSpec& flattenOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Flatten";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Flatten";
    s.doc = "Reshapes to 2-D: the dims before `axis` form the rows, the rest the columns";
    s.inputs = {in("input")};
    s.outputs = {in("output")};
    s.attrs = {attrInt("axis", 1, -64, 64, "dims [0, axis) become the outer dimension")};
    s.infer = inferFlatten;
    s.reference = [](const AttrReader& a) {
      const int64_t axis = a.i("axis");
      return makeKernel([axis](std::span<const Tensor> in) {
        const Tensor& x = in[0];
        return std::vector<Tensor>{
            x.reshaped(flattenShape(x.shape(), flattenAxis(axis, x.rank())))};
      });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
