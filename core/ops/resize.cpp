#include "core/ops/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/ops/util/checked_size.h"
#include "core/ops/util/parallel.h"
#include "core/ops/util/resize_plan.h"
#include "core/ops/util/shape_util.h"

namespace nc {

namespace {

using Mode = ResizeParams::Mode;
using Coord = ResizeParams::Coord;
using Rounding = ResizeParams::Rounding;
using AspectPolicy = ResizeParams::AspectPolicy;

constexpr int kX = 0, kRoi = 1, kScales = 2, kSizes = 3;

const std::vector<std::string> kModes = {"nearest", "linear", "cubic"};
// "tf_half_pixel_for_nn" is the ONNX name (Resize-11 documents it; ONNX Runtime and the
// conformance data use it; the Resize-13 text no longer lists it but nothing rejects it).
const std::vector<std::string> kCoords = {"half_pixel",           "pytorch_half_pixel",
                                          "align_corners",        "asymmetric",
                                          "tf_half_pixel_for_nn", "tf_crop_and_resize"};
const std::vector<std::string> kRoundings = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                             "ceil"};
const std::vector<std::string> kPolicies = {"stretch", "not_larger", "not_smaller"};

template <class E>
E pick(const std::vector<std::string>& names, const std::string& value, const char* attr) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == value) return E(i);
  std::string list;
  for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw Error(std::string("Resize: ") + attr + " '" + value + "' is not supported (" + list + ")");
}

bool present(const Tensor* t) { return t && !t->empty() && t->numel() > 0; }

// Resized axes, normalised; every axis when `axes` is empty.
std::vector<int> resizedAxes(const ResizeParams& p, int rank) {
  std::vector<int> axes;
  if (p.axes.empty()) {
    for (int a = 0; a < rank; ++a) axes.push_back(a);
    return axes;
  }
  std::vector<bool> seen(size_t(rank), false);
  for (int64_t v : p.axes) {
    int a = normalizeAxis(v, rank, "attribute 'axes': axis");
    if (seen[size_t(a)])
      throw ShapeError("attribute 'axes' lists axis " + std::to_string(a) + " twice");
    seen[size_t(a)] = true;
    axes.push_back(a);
  }
  return axes;
}

std::string valuesNeeded(const Shape& in, size_t k, bool axesSet) {
  return "X has shape " + shapeToString(in) + ", so it needs " + std::to_string(k) +
         (axesSet ? " (one per entry of 'axes')" : " (one per axis of X)");
}

// planResize's phases. `t` holds one value per entry of `axes` (checked); plan.in is X's shape.

// Output dims and scales from 'scales'.
void planFromScales(ResizePlan& plan, const Tensor& t, const std::vector<int>& axes) {
  const Shape& in = plan.in;
  const size_t k = axes.size();
  for (size_t i = 0; i < k; ++i) {
    const float s = t.f32()[i];
    const size_t a = size_t(axes[i]);
    if (!(s > 0.0f) || !std::isfinite(s))
      throw ShapeError("input 'scales' must be positive and finite; value " + std::to_string(i) +
                           " is " + std::to_string(s),
                       kScales);
    plan.scale[a] = double(s);
    if (in[a] < 0) {
      plan.out[a] = -1;
      continue;
    }
    // In float, as ONNX shape inference and ONNX Runtime compute it.
    const float len = float(in[a]) * s;
    if (!(len < float(Tensor::kMaxElements)))
      throw ShapeError("input 'scales' value " + std::to_string(i) + " (" + std::to_string(s) +
                           ") makes axis " + std::to_string(a) + " of X (shape " +
                           shapeToString(in) + ") too long",
                       kScales);
    plan.out[a] = int64_t(std::floor(len));
    plan.lengthResized[a] = double(len);
  }
}

// Output dims and scales from 'sizes', under keep_aspect_ratio_policy.
void planFromSizes(const ResizeParams& p, ResizePlan& plan, const Tensor& t,
                   const std::vector<int>& axes) {
  const Shape& in = plan.in;
  const size_t k = axes.size();
  const int64_t* sz = t.i64();
  for (size_t i = 0; i < k; ++i)
    if (sz[i] < 0)
      throw ShapeError("input 'sizes' must not be negative; value " + std::to_string(i) + " is " +
                           std::to_string(sz[i]),
                       kSizes);
  bool known = true;
  for (size_t i = 0; i < k; ++i) {
    const size_t a = size_t(axes[i]);
    if (in[a] == 0 && sz[i] > 0)
      throw ShapeError("axis " + std::to_string(a) + " of X (shape " + shapeToString(in) +
                           ") is empty and cannot be resized to " + std::to_string(sz[i]),
                       kSizes);
    known = known && in[a] >= 0;
  }
  if (p.policy == AspectPolicy::Stretch) {
    for (size_t i = 0; i < k; ++i) {
      const size_t a = size_t(axes[i]);
      plan.out[a] = sz[i];
      if (in[a] > 0) plan.scale[a] = double(sz[i]) / double(in[a]);
      plan.lengthResized[a] = plan.scale[a] * double(in[a]);
    }
  } else if (!known) {
    for (size_t i = 0; i < k; ++i) plan.out[size_t(axes[i])] = -1;
  } else {
    // One scale for every resized axis, so that the aspect ratio is kept.
    double s = p.policy == AspectPolicy::NotLarger ? INFINITY : 0.0;
    for (size_t i = 0; i < k; ++i) {
      const int64_t d = in[size_t(axes[i])];
      if (d == 0) continue;
      const double r = double(sz[i]) / double(d);
      s = p.policy == AspectPolicy::NotLarger ? std::min(s, r) : std::max(s, r);
    }
    if (!std::isfinite(s) || s <= 0) s = 1.0;
    for (size_t i = 0; i < k; ++i) {
      const size_t a = size_t(axes[i]);
      plan.scale[a] = s;
      plan.out[a] = int64_t(std::floor(s * double(in[a]) + 0.5));
      plan.lengthResized[a] = s * double(in[a]);
    }
  }
}

// The region of interest of tf_crop_and_resize: starts then ends, one per resized axis.
void readRoi(const ResizeParams& p, ResizePlan& plan, const Tensor* roi,
             const std::vector<int>& axes) {
  const Shape& in = plan.in;
  const size_t k = axes.size();
  if (!present(roi))
    throw ShapeError("coordinate_transformation_mode 'tf_crop_and_resize' needs input 'roi'",
                     kRoi);
  const Tensor& r = *roi;
  if (r.rank() != 1 || size_t(r.numel()) != 2 * k)
    throw ShapeError("input 'roi' has shape " + shapeToString(r.shape()) + " but needs " +
                         std::to_string(2 * k) + " values (starts then ends); " +
                         valuesNeeded(in, k, !p.axes.empty()) + " of each",
                     kRoi);
  const std::vector<float> v = r.toFloatVector();
  for (size_t i = 0; i < k; ++i) {
    plan.roiStart[size_t(axes[i])] = double(v[i]);
    plan.roiEnd[size_t(axes[i])] = double(v[k + i]);
  }
}

}  // namespace

ResizeParams parseResizeParams(const AttrReader& a) {
  ResizeParams p;
  p.mode = pick<Mode>(kModes, a.s("mode"), "mode");
  p.coord =
      pick<Coord>(kCoords, a.s("coordinate_transformation_mode"), "coordinate_transformation_mode");
  p.rounding = pick<Rounding>(kRoundings, a.s("nearest_mode"), "nearest_mode");
  p.cubicA = a.f("cubic_coeff_a");
  p.excludeOutside = a.i("exclude_outside") != 0;
  p.extrapolation = a.f("extrapolation_value");
  p.antialias = a.i("antialias") != 0;
  p.axes = a.ints("axes");
  p.policy =
      pick<AspectPolicy>(kPolicies, a.s("keep_aspect_ratio_policy"), "keep_aspect_ratio_policy");
  return p;
}

ResizePlan planResize(const ResizeParams& p, const Shape& in, const ResizeInputs& ins) {
  const int rank = int(in.size());
  const std::vector<int> axes = resizedAxes(p, rank);
  const size_t k = axes.size();
  const bool hasScales = present(ins.scales), hasSizes = present(ins.sizes);
  if (hasScales && hasSizes)
    throw ShapeError("only one of 'scales' and 'sizes' may be given; got scales " +
                         shapeToString(ins.scales->shape()) + " and sizes " +
                         shapeToString(ins.sizes->shape()),
                     kSizes);
  if (!hasScales && !hasSizes)
    throw ShapeError("one of the inputs 'scales' and 'sizes' must be given (non-empty)", kScales);
  ResizePlan plan;
  plan.in = plan.out = in;
  plan.scale.assign(size_t(rank), 1.0);
  plan.roiStart.assign(size_t(rank), 0.0);
  plan.roiEnd.assign(size_t(rank), 1.0);
  for (int a = 0; a < rank; ++a) plan.lengthResized.push_back(double(in[size_t(a)]));

  const int port = hasScales ? kScales : kSizes;
  const char* name = hasScales ? "scales" : "sizes";
  const Tensor& t = hasScales ? *ins.scales : *ins.sizes;
  const DType want = hasScales ? DType::Float32 : DType::Int64;
  if (t.dtype() != want)
    throw ShapeError(std::string("input '") + name + "' must be " + dtypeName(want) + ", got " +
                         dtypeName(t.dtype()) + shapeToString(t.shape()),
                     port);
  if (t.rank() != 1 || size_t(t.numel()) != k)
    throw ShapeError(std::string("input '") + name + "' has shape " + shapeToString(t.shape()) +
                         " but " + valuesNeeded(in, k, !p.axes.empty()),
                     port);
  if (hasScales)
    planFromScales(plan, t, axes);
  else
    planFromSizes(p, plan, t, axes);
  if (p.coord == Coord::TfCropAndResize && ins.roi) readRoi(p, plan, ins.roi, axes);
  return plan;
}

void checkResizeSize(const std::string& op, const ResizeParams& p, const ResizePlan& plan, bool fast) {
  double tableBytes = 0;  // in double: a hostile plan must not overflow the estimate
  if (fast)
    for (size_t a = 0; a < plan.out.size(); ++a) {
      // Taps per output coordinate (buildResizeAxisTable keeps the non-zero ones), see the
      // coefficients in util/resize_plan.cpp.
      const double s = plan.scale[a];
      double taps = p.mode == Mode::Nearest ? 1 : p.mode == Mode::Linear ? 2 : 4;
      if (p.antialias && s < 1.0 && p.mode != Mode::Nearest) taps = taps / s + 2;
      // begin (8 bytes) and outside (1) per coordinate, index (8) and weight (4) per tap, and
      // nearest's map (8).
      tableBytes += double(std::max<int64_t>(plan.out[a], 0)) * (17.0 + 12.0 * taps);
    }
  const int64_t extra = tableBytes < 9e18 ? int64_t(tableBytes) : INT64_MAX;
  checkOutputAllocation(op, plan.out, DType::Float32, extra);
}

Tensor resizeReference(const ResizeParams& p, const ResizePlan& plan, const Tensor& x) {
  checkResizeGeometry(plan);
  Tensor y(DType::Float32, plan.out);
  if (y.numel() == 0) return y;
  const size_t rank = plan.in.size();
  const std::vector<int64_t> strides = contiguousStrides(plan.in);
  const float* px = x.f32();
  float* py = y.f32();
  std::vector<int64_t> o(rank, 0);
  std::vector<std::vector<int64_t>> idx(rank);
  std::vector<std::vector<double>> w(rank);
  std::vector<size_t> k(rank);
  for (int64_t e = 0; e < y.numel(); ++e) {
    bool inside = true;
    for (size_t a = 0; a < rank && inside; ++a)
      inside = resizeAxisTaps(p, plan, a, o[a], idx[a], w[a]);
    if (!inside) {
      py[e] = p.extrapolation;
    } else {
      // Sum over the tensor product of the per-axis neighbourhoods, reading edge-clamped.
      double acc = 0;
      std::fill(k.begin(), k.end(), 0);
      for (;;) {
        double weight = 1;
        int64_t off = 0;
        for (size_t a = 0; a < rank; ++a) {
          weight *= w[a][k[a]];
          off += std::clamp<int64_t>(idx[a][k[a]], 0, plan.in[a] - 1) * strides[a];
        }
        if (weight != 0) acc += weight * double(px[off]);
        size_t a = rank;
        while (a > 0 && ++k[a - 1] == w[a - 1].size()) k[--a] = 0;
        if (a == 0) break;
      }
      py[e] = float(acc);
    }
    for (size_t a = rank; a > 0 && ++o[a - 1] == plan.out[a - 1];) o[--a] = 0;
  }
  return y;
}

namespace {

// Nearest: output block o along axis a copies input block map[a][o]; a block equal to the
// previous one is copied from the output (row reuse); the last axis is a gather, or a plain
// duplication for the common 2x upsample (the YOLO neck).
struct NearestPlan {
  std::vector<std::vector<int64_t>> map;
  bool lastTwice = false;  // last axis: map[o] == o / 2 for every o, even output length
  std::vector<int64_t> xs, ys;
  Shape out;
};

void nearestFill(const NearestPlan& np, size_t a, const float* x, float* y) {
  const std::vector<int64_t>& m = np.map[a];
  const int64_t n = np.out[a];
  if (a + 1 == np.out.size()) {
    if (np.lastTwice) {
      for (int64_t j = 0; j < n / 2; ++j) y[2 * j] = y[2 * j + 1] = x[j];
    } else {
      for (int64_t o = 0; o < n; ++o) y[o] = x[m[size_t(o)]];
    }
    return;
  }
  const int64_t ys = np.ys[a];
  for (int64_t o = 0; o < n; ++o) {
    float* yb = y + o * ys;
    if (o > 0 && m[size_t(o)] == m[size_t(o - 1)])
      std::memcpy(yb, yb - ys, size_t(ys) * sizeof(float));
    else
      nearestFill(np, a + 1, x + m[size_t(o)] * np.xs[a], yb);
  }
}

// Nearest over the thread pool: the output is cut into the blocks of its leading axes (at least
// two per thread where the shape allows, so usually the channels), each filled independently.
// Row reuse works within a block; at the cut axis each block is gathered from the input.
void nearestFillParallel(const NearestPlan& np, const float* x, float* y) {
  const size_t rank = np.out.size();
  const int64_t total = shapeNumel(np.out);
  const int threads = parallelThreads(total, kParallelElements);
  if (threads <= 1 || rank < 2) {
    nearestFill(np, 0, x, y);
    return;
  }
  size_t cut = 0;  // blocks are the output positions along axes 0..cut
  int64_t blocks = np.out[0];
  while (cut + 2 < rank && blocks < 2 * threads) blocks *= np.out[++cut];
  const int64_t blockSize = np.ys[cut];
  parallelFor(blocks, std::max<int64_t>(1, kParallelElements / std::max<int64_t>(blockSize, 1)),
              [&](int64_t begin, int64_t end) {
                for (int64_t b = begin; b < end; ++b) {
                  int64_t xOffset = 0;
                  for (int64_t rest = b, a = int64_t(cut); a >= 0; --a) {
                    const int64_t o = rest % np.out[size_t(a)];
                    rest /= np.out[size_t(a)];
                    xOffset += np.map[size_t(a)][size_t(o)] * np.xs[size_t(a)];
                  }
                  nearestFill(np, cut + 1, x + xOffset, y + b * blockSize);
                }
              });
}

// One axis of the separable linear/cubic resize for one outer index: outA output rows of
// `inner` elements from the taps of table t.
void resizeAxisBlock(const ResizeAxisTable& t, const float* s, float* d, int64_t outA,
                     int64_t inner) {
  for (int64_t o = 0; o < outA; ++o, d += inner) {
    const int64_t b = t.begin[size_t(o)], e = t.begin[size_t(o) + 1];
    if (inner == 1) {
      float acc = 0;
      for (int64_t j = b; j < e; ++j) acc += t.w[size_t(j)] * s[t.idx[size_t(j)]];
      *d = acc;
      continue;
    }
    for (int64_t j = b; j < e; ++j) {
      const float wj = t.w[size_t(j)];
      const float* sj = s + t.idx[size_t(j)] * inner;
      if (j == b)
        for (int64_t i = 0; i < inner; ++i) d[i] = wj * sj[i];
      else
        for (int64_t i = 0; i < inner; ++i) d[i] += wj * sj[i];
    }
  }
}

// Sets every output element whose coordinate on some axis lies outside the input.
void fillOutside(const std::vector<ResizeAxisTable>& tabs, const Shape& out,
                 const std::vector<int64_t>& ys, size_t a, float value, float* y) {
  for (int64_t o = 0; o < out[a]; ++o) {
    float* yb = y + o * ys[a];
    if (tabs[a].outside[size_t(o)])
      std::fill(yb, yb + ys[a], value);
    else if (a + 1 < out.size())
      fillOutside(tabs, out, ys, a + 1, value, yb);
  }
}

}  // namespace

Tensor resizeFast(const ResizeParams& p, const ResizePlan& plan, const Tensor& x) {
  checkResizeGeometry(plan);
  const size_t rank = plan.in.size();
  if (shapeNumel(plan.out) == 0) return Tensor(DType::Float32, plan.out);
  std::vector<ResizeAxisTable> tabs;
  bool anyOutside = false;
  for (size_t a = 0; a < rank; ++a) {
    tabs.push_back(buildResizeAxisTable(p, plan, a));
    anyOutside = anyOutside || tabs.back().anyOutside;
  }
  Tensor y;
  if (p.mode == Mode::Nearest) {
    y = Tensor(DType::Float32, plan.out);
    NearestPlan np;
    np.out = plan.out;
    np.xs = contiguousStrides(plan.in);
    np.ys = contiguousStrides(plan.out);
    for (const ResizeAxisTable& t : tabs) {
      // One tap per coordinate; none outside the input (tf_crop_and_resize), filled in below.
      std::vector<int64_t> m;
      for (size_t o = 0; o + 1 < t.begin.size(); ++o)
        m.push_back(t.begin[o] == t.begin[o + 1] ? 0 : t.idx[size_t(t.begin[o])]);
      np.map.push_back(std::move(m));
    }
    const std::vector<int64_t>& last = np.map.back();
    np.lastTwice = last.size() % 2 == 0;
    for (size_t o = 0; o < last.size() && np.lastTwice; ++o)
      np.lastTwice = last[o] == int64_t(o / 2);
    nearestFillParallel(np, x.f32(), y.f32());
  } else {
    // Separable: resize one axis at a time, last axis first, skipping identity axes.
    Tensor cur = x;
    Shape shape = plan.in;
    for (size_t a = rank; a-- > 0;) {
      const ResizeAxisTable& t = tabs[a];
      if (t.identity) continue;
      Shape next = shape;
      next[a] = plan.out[a];
      Tensor nt(DType::Float32, next);
      int64_t outer = 1, inner = 1;
      for (size_t i = 0; i < a; ++i) outer *= shape[i];
      for (size_t i = a + 1; i < rank; ++i) inner *= shape[i];
      const int64_t inA = shape[a], outA = next[a];
      const float* src = cur.f32();
      float* dst = nt.f32();
      parallelFor(outer, std::max<int64_t>(1, kParallelElements / std::max<int64_t>(outA * inner, 1)),
                  [&](int64_t uBegin, int64_t uEnd) {
                    for (int64_t u = uBegin; u < uEnd; ++u)
                      resizeAxisBlock(t, src + u * inA * inner, dst + u * outA * inner, outA, inner);
                  });
      cur = nt;
      shape = next;
    }
    y = cur.sharesStorageWith(x) ? x.clone() : cur;
  }
  if (anyOutside)
    fillOutside(tabs, plan.out, contiguousStrides(plan.out), 0, p.extrapolation, y.f32());
  return y;
}

namespace {

class ResizeKernel : public Kernel {
 public:
  ResizeKernel(const AttrReader& a, bool fast) : params_(parseResizeParams(a)), fast_(fast) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    auto opt = [&](size_t i) { return i < in.size() ? &in[i] : nullptr; };
    ResizePlan plan = planResize(params_, x.shape(), {opt(kRoi), opt(kScales), opt(kSizes)});
    checkResizeSize("Resize", params_, plan, fast_);
    return {fast_ ? resizeFast(params_, plan, x) : resizeReference(params_, plan, x)};
  }

 private:
  ResizeParams params_;
  bool fast_;
};

// What shape inference knows about an optional input: unbound, known to be empty, known to hold
// values, or bound with an unknown element count.
enum class Presence { Unbound, Empty, Values, Unknown };

Presence presence(const InferContext& ctx, int i) {
  if (!ctx.hasInput(i)) return Presence::Unbound;
  if (const Tensor* v = ctx.value(i)) return v->numel() == 0 ? Presence::Empty : Presence::Values;
  const TensorType& t = *ctx.input(i);
  if (!t.fullyKnown()) return Presence::Unknown;
  return shapeNumel(t.dims) == 0 ? Presence::Empty : Presence::Values;
}

std::vector<TensorType> inferResize(const InferContext& ctx) {
  const ResizeParams p = parseResizeParams(ctx.attrs);
  const auto& x = ctx.input(kX);
  if (!x || !x->rankKnown) return {TensorType::unknown()};
  if (x->dtype != DType::Float32)
    ctx.fail(std::string("input 'X' must be float32, got ") + dtypeName(x->dtype) +
                 shapeToString(x->dims),
             kX);
  const int rank = int(x->dims.size());
  std::vector<int> axes;
  try {
    axes = resizedAxes(p, rank);
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), -1);
  }
  const size_t k = axes.size();
  const Presence scales = presence(ctx, kScales), sizes = presence(ctx, kSizes);
  if (scales == Presence::Values && sizes == Presence::Values)
    ctx.fail("only one of 'scales' and 'sizes' may be given; got scales " +
                 shapeToString(ctx.input(kScales)->dims) + " and sizes " +
                 shapeToString(ctx.input(kSizes)->dims),
             kSizes);
  const bool scalesAbsent = scales == Presence::Unbound || scales == Presence::Empty;
  const bool sizesAbsent = sizes == Presence::Unbound || sizes == Presence::Empty;
  Shape unknownOut = x->dims;
  for (int a : axes) unknownOut[size_t(a)] = -1;
  if (scalesAbsent && sizesAbsent) {
    if (scales == Presence::Unbound && sizes == Presence::Unbound)
      return {TensorType::of(unknownOut)};
    ctx.fail("one of the inputs 'scales' and 'sizes' must be given (non-empty)", kScales);
  }
  // Element types and lengths of whatever is bound with a known shape.
  auto checkVector = [&](int port, const char* name, DType want, size_t n) {
    const auto& t = ctx.input(port);
    if (!t) return;
    if (t->dtype != want)
      ctx.fail(
          std::string("input '") + name + "' must be " + dtypeName(want) + ", got " + t->toString(),
          port);
    if (!t->rankKnown || (t->fullyKnown() && shapeNumel(t->dims) == 0)) return;
    if (t->dims.size() != 1 || (t->dims[0] >= 0 && size_t(t->dims[0]) != n))
      ctx.fail(std::string("input '") + name + "' has shape " + shapeToString(t->dims) + " but " +
                   valuesNeeded(x->dims, n, !p.axes.empty()),
               port);
  };
  if (scales != Presence::Unbound && scales != Presence::Empty)
    checkVector(kScales, "scales", DType::Float32, k);
  if (sizes != Presence::Unbound && sizes != Presence::Empty)
    checkVector(kSizes, "sizes", DType::Int64, k);
  if (p.coord == Coord::TfCropAndResize) {
    if (presence(ctx, kRoi) == Presence::Empty)
      ctx.fail("coordinate_transformation_mode 'tf_crop_and_resize' needs input 'roi'", kRoi);
    if (ctx.hasInput(kRoi)) checkVector(kRoi, "roi", DType::Float32, 2 * k);
  }
  const Tensor* value = scalesAbsent ? ctx.value(kSizes) : ctx.value(kScales);
  if (!value) return {TensorType::of(unknownOut)};
  try {
    ResizeInputs ins;
    (scalesAbsent ? ins.sizes : ins.scales) = value;
    const Shape out = planResize(p, x->dims, ins).out;
    checkInferredOutput(ctx, out, DType::Float32);
    return {TensorType::of(out)};
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), e.input());
  }
}

const char* const kOpset18Attrs[] = {"antialias", "axes", "keep_aspect_ratio_policy"};

bool isDefault(const std::string& name, const AttrValue& v) {
  if (name == "antialias") return std::get<int64_t>(v) == 0;
  if (name == "keep_aspect_ratio_policy") return std::get<std::string>(v) == "stretch";
  return false;  // axes: set at all
}

}  // namespace

const OpSpec& resizeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Resize";
    s.sinceVersion = 13;
    s.minImportOpset = 10;
    s.category = "Sampling";
    s.caption = "Resize";
    s.doc = "Resizes X by 'scales' or to 'sizes' with nearest, linear or cubic interpolation";
    s.inputs = {in("X"), setting("roi", true, "tf_crop_and_resize: starts then ends, normalised"),
                setting("scales", true, "float32, one per axis; output = floor(input * scale)"),
                setting("sizes", true, "int64 output sizes (instead of scales)")};
    s.outputs = {in("Y")};
    s.attrs = {
        attrInt("antialias", 0, 0, 1,
                "opset 18: antialiasing filter when downsampling (linear, cubic)"),
        attrInts("axes", std::nullopt, "opset 18: the axes that scales/sizes/roi refer to"),
        attrString("coordinate_transformation_mode", "half_pixel", kCoords,
                   "maps an output coordinate to the input"),
        attrFloat("cubic_coeff_a", -0.75f, -10.0, 10.0,
                  "cubic: the coefficient a (-0.5 in TensorFlow)"),
        attrInt("exclude_outside", 0, 0, 1,
                "cubic/linear: zero the weights outside the input, renormalise"),
        attrFloat("extrapolation_value", 0.0f, -1e38, 1e38,
                  "tf_crop_and_resize: value outside the input"),
        attrString("keep_aspect_ratio_policy", "stretch", kPolicies,
                   "opset 18: how 'sizes' keeps the aspect ratio"),
        attrString("mode", "nearest", kModes, "interpolation"),
        attrString("nearest_mode", "round_prefer_floor", kRoundings,
                   "nearest: how x_original is rounded"),
    };
    s.infer = inferResize;
    s.reference = [](const AttrReader& a) { return std::make_unique<ResizeKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<ResizeKernel>(a, true); };
    s.exportOnnx = [](ExportContext& ctx, const AttrReader& a) {
      std::vector<std::string> ins;
      for (int i = 0; i < ctx.numInputs(); ++i) ins.push_back(ctx.input(i));
      while (!ins.empty() && ins.back().empty()) ins.pop_back();
      if (ins.size() < 3)
        throw Error("Resize '" + a.node().name + "': connect 'scales' or 'sizes' before exporting");
      std::vector<std::pair<std::string, AttrValue>> attrs;
      for (auto& [k, v] : a.node().attrs) {
        const bool opset18 = std::find(std::begin(kOpset18Attrs), std::end(kOpset18Attrs), k) !=
                             std::end(kOpset18Attrs);
        if (opset18 && ctx.opset() < 18) {
          if (isDefault(k, v)) continue;
          throw Error("Resize '" + a.node().name + "': attribute '" + k +
                      "' needs opset 18; export with opset 18");
        }
        attrs.emplace_back(k, v);
      }
      ctx.addNode("Resize", ins, {ctx.output(0)}, attrs);
    };
    s.importOnnx = [](ImportedNode& n) {
      const std::string what = "Resize '" + n.name + "'";
      if (n.opset < 11) {
        // Resize-10: inputs (X, scales), coordinates as Upsample: asymmetric, nearest rounds down.
        // That is ONNX Runtime's behaviour when upsampling; when downsampling it rounds up, per
        // axis, which one nearest_mode cannot express (the import does not see the scales).
        n.inputPorts = {kX, kScales};
        n.attrs["coordinate_transformation_mode"] = std::string("asymmetric");
        auto m = n.attrs.find("mode");
        const std::string mode = m == n.attrs.end() ? "nearest" : std::get<std::string>(m->second);
        if (mode != "nearest" && mode != "linear")
          throw Error(what + ": mode '" + mode + "' is not valid at opset " +
                      std::to_string(n.opset));
        if (mode == "nearest") n.attrs["nearest_mode"] = std::string("floor");
      }
      if (n.opset < 18)
        for (const char* k : kOpset18Attrs)
          if (n.attrs.count(k))
            throw Error(what + ": attribute '" + k +
                        "' exists from opset 18 on, the model declares opset " +
                        std::to_string(n.opset));
      auto check = [&](const char* name, const std::vector<std::string>& choices) {
        auto it = n.attrs.find(name);
        if (it == n.attrs.end() || !std::holds_alternative<std::string>(it->second)) return;
        std::string& v = std::get<std::string>(it->second);
        if (v == "tf_half_pixel_for_nearest")
          v = "tf_half_pixel_for_nn";  // a name some tools write
        if (std::find(choices.begin(), choices.end(), v) == choices.end())
          throw Error(what + ": " + name + " '" + v + "' is not supported");
      };
      check("mode", kModes);
      check("coordinate_transformation_mode", kCoords);
      check("nearest_mode", kRoundings);
      check("keep_aspect_ratio_policy", kPolicies);
    };
    s.blocked = BlockedForm::SpatialResize;
    return s;
  }();
  return spec;
}

}  // namespace nc
