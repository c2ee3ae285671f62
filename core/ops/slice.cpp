#include "core/ops/slice.h"

#include <algorithm>
#include <cstring>

#include "core/ops/util/int_inputs.h"
#include "core/ops/util/tensor_util.h"

namespace nc {

namespace {

// Per-axis start and step of the slice, and the output shape.
struct SlicePlan {
  Shape out;
  std::vector<int64_t> start, step;
};

// in may hold -1 (unknown): those axes stay unknown when sliced. Throws ShapeError.
SlicePlan planSlice(const Shape& in, const std::vector<int64_t>& starts,
                    const std::vector<int64_t>& ends,
                    const std::optional<std::vector<int64_t>>& axesIn,
                    const std::optional<std::vector<int64_t>>& stepsIn) {
  const int r = int(in.size());
  const size_t k = starts.size();
  if (ends.size() != k)
    throw ShapeError("starts has " + std::to_string(k) + " values but ends has " +
                     std::to_string(ends.size()));
  std::vector<int64_t> axesRaw = axesIn ? *axesIn : std::vector<int64_t>();
  if (!axesIn)
    for (size_t i = 0; i < k; ++i) axesRaw.push_back(int64_t(i));
  if (axesRaw.size() != k)
    throw ShapeError("axes has " + std::to_string(axesRaw.size()) + " values but starts has " +
                     std::to_string(k));
  std::vector<int64_t> steps = stepsIn ? *stepsIn : std::vector<int64_t>(k, 1);
  if (steps.size() != k)
    throw ShapeError("steps has " + std::to_string(steps.size()) + " values but starts has " +
                     std::to_string(k));
  std::vector<int> axes = normalizeAxes(axesRaw, r);
  SlicePlan p{in, std::vector<int64_t>(size_t(r), 0), std::vector<int64_t>(size_t(r), 1)};
  for (size_t i = 0; i < k; ++i) {
    const size_t ax = size_t(axes[i]);
    const int64_t step = steps[i], dim = in[ax];
    if (step == 0) throw ShapeError("steps must not be 0 (axis " + std::to_string(axes[i]) + ")");
    p.step[ax] = step;
    if (dim <= 0) {  // unknown, or empty (nothing to clamp into)
      p.out[ax] = dim;
      continue;
    }
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    p.start[ax] = s;
    const int64_t len = step > 0 ? (e - s + step - 1) / step : (s - e + (-step) - 1) / (-step);
    p.out[ax] = std::max<int64_t>(0, len);
  }
  return p;
}

std::vector<TensorType> inferSlice(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x) return {TensorType::unknown()};
  if (!x->rankKnown) return {TensorType::unknown(x->dtype)};
  auto starts = staticInts(ctx, 1), ends = staticInts(ctx, 2);
  auto axes = staticInts(ctx, 3), steps = staticInts(ctx, 4);
  const bool known = starts && ends && (axes || !ctx.hasInput(3)) && (steps || !ctx.hasInput(4));
  if (!known) return {unknownDims(int(x->dims.size()), x->dtype)};
  try {
    return {TensorType::of(planSlice(x->dims, *starts, *ends, axes, steps).out, x->dtype)};
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 1);
  }
}

// The reference decomposes every output index; the fast path walks the output rows with an
// odometer and copies each innermost run (one memcpy when its step is 1).
class SliceKernel : public Kernel {
 public:
  explicit SliceKernel(bool fast) : fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    auto starts = runtimeInts(in, 1, "starts"), ends = runtimeInts(in, 2, "ends");
    if (!starts || !ends) throw Error("inputs 'starts' and 'ends' are required");
    SlicePlan p = planSlice(x.shape(), *starts, *ends, runtimeInts(in, 3, "axes"),
                            runtimeInts(in, 4, "steps"));
    Tensor y(x.dtype(), p.out);
    const int r = x.rank();
    const std::vector<int64_t> st = contiguousStrides(x.shape());
    int64_t base = 0;
    std::vector<int64_t> stride(x.shape().size());
    for (int d = 0; d < r; ++d) {
      base += p.start[size_t(d)] * st[size_t(d)];
      stride[size_t(d)] = p.step[size_t(d)] * st[size_t(d)];
    }
    const int64_t n = y.numel();
    if (n == 0) return {y};
    dispatchDType(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* px = dataOf<T>(x);
      T* py = dataOf<T>(y);
      if (!fast_) {
        for (int64_t i = 0; i < n; ++i) {
          int64_t rem = i, src = base;
          for (int d = r - 1; d >= 0; --d) {
            src += (rem % p.out[size_t(d)]) * stride[size_t(d)];
            rem /= p.out[size_t(d)];
          }
          py[i] = px[src];
        }
        return;
      }
      const int64_t inner = r ? p.out[size_t(r - 1)] : 1, sInner = r ? stride[size_t(r - 1)] : 0;
      std::vector<int64_t> idx(x.shape().size(), 0);
      int64_t src = base;
      for (int64_t i = 0; i < n; i += inner) {
        if (sInner == 1)
          std::memcpy(py + i, px + src, size_t(inner) * sizeof(T));
        else
          for (int64_t j = 0; j < inner; ++j) py[i + j] = px[src + j * sInner];
        for (int d = r - 2; d >= 0; --d) {
          const size_t ud = size_t(d);
          if (++idx[ud] < p.out[ud]) {
            src += stride[ud];
            break;
          }
          src -= stride[ud] * (p.out[ud] - 1);
          idx[ud] = 0;
        }
      }
    });
    return {y};
  }

 private:
  bool fast_;
};

}  // namespace

const OpSpec& sliceOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Slice";
    s.sinceVersion = 13;
    s.minImportOpset = 10;  // starts/ends/axes/steps as inputs since opset 10
    s.category = "Tensor";
    s.caption = "Slice";
    s.doc =
        "data[starts:ends:steps] on the given axes (negative indices count from the end; clamped)";
    s.inputs = {in("data"), setting("starts", false, "int64"), setting("ends", false, "int64"),
                setting("axes", true, "int64; default 0..len(starts)-1"),
                setting("steps", true, "int64; default 1")};
    s.outputs = {in("output")};
    s.infer = inferSlice;
    s.reference = [](const AttrReader&) { return std::make_unique<SliceKernel>(false); };
    s.fast = [](const AttrReader&) { return std::make_unique<SliceKernel>(true); };
    return s;
  }();
  return spec;
}

}  // namespace nc
