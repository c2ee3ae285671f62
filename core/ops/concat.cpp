#include "core/ops/concat.h"

#include <cstring>

#include "core/ops/util/parallel.h"
#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

std::vector<TensorType> inferConcat(const InferContext& ctx) {
  const int64_t axisAttr = ctx.attrs.i("axis");
  // The first input of known rank is the reference for the others.
  int ref = -1;
  for (int i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i) && ctx.input(i)->rankKnown) {
      ref = i;
      break;
    }
  if (ref < 0) {
    for (int i = 0; i < ctx.numInputs(); ++i)
      if (ctx.hasInput(i)) return {TensorType::unknown(ctx.input(i)->dtype)};
    return {TensorType::unknown()};
  }
  const TensorType& r = *ctx.input(ref);
  const int rank = int(r.dims.size());
  if (rank == 0)
    ctx.fail("input " + std::to_string(ref) + " is a scalar (shape []); Concat needs rank >= 1",
             ref);
  int axis = 0;
  try {
    axis = normalizeAxis(axisAttr, rank);
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input " + std::to_string(ref) + " shape " +
                 shapeToString(r.dims) + ")",
             ref);
  }
  TensorType out = r;
  bool allKnown = true;  // every input bound with known rank: the axis size can be summed
  int64_t axisSum = 0;
  for (int i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i) || !ctx.input(i)->rankKnown) {
      allKnown = false;
      continue;
    }
    const TensorType& t = *ctx.input(i);
    if (t.dtype != r.dtype)
      ctx.fail("input " + std::to_string(i) + " has element type " + dtypeName(t.dtype) +
                   " but input " + std::to_string(ref) + " has " + dtypeName(r.dtype),
               i);
    if (int(t.dims.size()) != rank)
      ctx.fail("input " + std::to_string(i) + " has shape " + shapeToString(t.dims) + " (rank " +
                   std::to_string(t.dims.size()) + ") but input " + std::to_string(ref) +
                   " has shape " + shapeToString(r.dims) + " (rank " + std::to_string(rank) +
                   "); all inputs need the same rank",
               i);
    for (int d = 0; d < rank; ++d) {
      const int64_t a = t.dims[size_t(d)], b = r.dims[size_t(d)];
      if (d == axis) continue;
      if (a >= 0 && b >= 0 && a != b)
        ctx.fail("input " + std::to_string(i) + " has shape " + shapeToString(t.dims) +
                     " but input " + std::to_string(ref) + " has shape " + shapeToString(r.dims) +
                     ": dimension " + std::to_string(d) + " differs (" + std::to_string(a) +
                     " vs " + std::to_string(b) + "); only the concat axis " +
                     std::to_string(axis) + " may differ",
                 i);
      if (out.dims[size_t(d)] < 0) out.dims[size_t(d)] = a;
    }
    const int64_t ad = t.dims[size_t(axis)];
    if (ad < 0)
      allKnown = false;
    else
      axisSum += ad;
  }
  out.dims[size_t(axis)] = allKnown ? axisSum : -1;
  return {out};
}

// Copies contiguous blocks: for each of the `outer` slices before the axis, each input
// contributes dim(axis) * inner elements. Element-type agnostic (float32 and int64).
std::vector<Tensor> concat(std::span<const Tensor> in, int64_t axisAttr) {
  if (in.empty()) throw Error("Concat needs at least one input");
  const Tensor& first = in[0];
  const int rank = first.rank();
  if (rank == 0) throw Error("Concat: inputs must have rank >= 1");
  const int axis = normalizeAxis(axisAttr, rank);
  Shape outShape = first.shape();
  outShape[size_t(axis)] = 0;
  for (const Tensor& t : in) {
    if (t.rank() != rank || t.dtype() != first.dtype())
      throw Error("Concat: input shape " + shapeToString(t.shape()) + " does not match " +
                  shapeToString(first.shape()));
    for (int d = 0; d < rank; ++d)
      if (d != axis && t.dim(d) != first.dim(d))
        throw Error("Concat: input shape " + shapeToString(t.shape()) + " does not match " +
                    shapeToString(first.shape()));
    outShape[size_t(axis)] += t.dim(axis);
  }
  Tensor y = Tensor::uninitialized(first.dtype(), outShape);  // every element is copied in
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= outShape[size_t(d)];
  for (int d = axis + 1; d < rank; ++d) inner *= outShape[size_t(d)];
  const size_t es = dtypeSize(first.dtype());
  const int64_t rowOut = outShape[size_t(axis)] * inner;
  auto* dst = static_cast<std::byte*>(y.raw());
  std::vector<CopyTask> copies;
  int64_t offset = 0;  // elements into each output row
  for (const Tensor& t : in) {
    const int64_t row = t.dim(axis) * inner;
    if (row == 0) continue;
    const auto* src = static_cast<const std::byte*>(t.raw());
    for (int64_t o = 0; o < outer; ++o)
      copies.push_back(
          {dst + size_t(o * rowOut + offset) * es, src + size_t(o * row) * es, size_t(row) * es});
    offset += row;
  }
  parallelCopy(copies);
  return {y};
}

}  // namespace

const OpSpec& concatOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Concat";
    s.sinceVersion = 13;
    s.minImportOpset = 4;  // axis is required since opset 4 (opset 1 defaulted it to 1)
    s.category = "Tensor";
    s.caption = "Concat";
    s.doc =
        "Joins 1..N tensors along `axis` (negative counts from the back); other dims must match";
    s.inputs = {variadicIn("inputs", "one or more tensors of equal rank")};
    s.outputs = {in("concat_result")};
    AttrSpec axis = attrInt("axis", std::nullopt, -1e9, 1e9,
                            "axis to concatenate on; negative counts from the back");
    axis.required = true;
    s.attrs = {axis};
    s.infer = inferConcat;
    s.reference = [](const AttrReader& a) {
      const int64_t axis = a.i("axis");
      return makeKernel([axis](std::span<const Tensor> in) { return concat(in, axis); });
    };
    s.blocked = BlockedForm::ChannelConcat;
    return s;
  }();
  return spec;
}

}  // namespace nc
