#include "core/ops/util/pooling.h"

#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include "core/ops/util/blocked_kernel.h"
#include "core/ops/util/checked_size.h"
#include "core/ops/util/dnnl_context.h"

namespace nc {

namespace {
constexpr int kMaxSpatial = 3;
}

PoolParams PoolParams::read(const AttrReader& a, PoolMode mode, bool global) {
  PoolParams p;
  p.mode = mode;
  p.global = global;
  if (global) return p;
  p.window = WindowAttrs::read(a);
  if (a.spec().findAttr("count_include_pad")) p.countIncludePad = a.i("count_include_pad") != 0;
  if (a.spec().findAttr("storage_order")) p.storageOrder = int(a.i("storage_order"));
  p.withIndices = a.node().numOutputs > 1;
  return p;
}

WindowGeometry poolGeometry(const PoolParams& p, const Shape& x) {
  const std::vector<int64_t> sp = spatialDims(x);
  if (p.global) return computeWindowGeometry(WindowAttrs(), sp, sp);
  WindowGeometry g = computeWindowGeometry(p.window, sp, p.window.kernelShape);
  // Before the output, the indices or a oneDNN primitive are built.
  Shape out(x.begin(), x.begin() + 2);
  out.insert(out.end(), g.out.begin(), g.out.end());
  const int64_t indexBytes =
      p.withIndices ? checkedMul(checkedNumel(out).value_or(0), 8).value_or(INT64_MAX) : 0;
  checkOutputAllocation(p.mode == PoolMode::Max ? "MaxPool" : "AveragePool", out, DType::Float32,
                        indexBytes);
  return g;
}

std::vector<TensorType> inferPool(const InferContext& ctx, PoolMode mode, bool global) {
  const auto& x = ctx.input(0);
  const TensorType unknownIndices = TensorType::unknown(DType::Int64);
  if (!x || !x->rankKnown) return {TensorType::unknown(), unknownIndices};
  const Shape& xs = x->dims;
  if (global) {
    // ONNX Runtime refuses rank 2 (no spatial dim), so we do too.
    if (xs.size() < 3)
      ctx.fail("input 'X' must be N x C x D1 ... (rank >= 3), got shape " + shapeToString(xs), 0);
    Shape out = xs;
    for (size_t i = 2; i < out.size(); ++i) out[i] = 1;
    return {TensorType::of(out, x->dtype)};
  }
  if (xs.size() < 3 || xs.size() > 2 + kMaxSpatial)
    ctx.fail("input 'X' must be N x C x D1 [x D2 [x D3]] (1 to 3 spatial dims), got shape " +
                 shapeToString(xs),
             0);
  const PoolParams p = PoolParams::read(ctx.attrs, mode, false);
  const WindowAttrs& a = p.window;
  if (a.kernelShape.empty()) ctx.fail("attribute 'kernel_shape' is required");
  if (a.kernelShape.size() != xs.size() - 2)
    ctx.fail("attribute kernel_shape " + shapeToString(a.kernelShape) + " has " +
                 std::to_string(a.kernelShape.size()) + " values but input 'X' of shape " +
                 shapeToString(xs) + " has " + std::to_string(xs.size() - 2) + " spatial dims",
             0);
  if (a.autoPad == "NOTSET" && a.pads.size() == 2 * a.kernelShape.size())
    for (size_t i = 0; i < a.pads.size(); ++i)
      if (a.pads[i] >= a.kernelShape[i % a.kernelShape.size()])
        ctx.fail("pads " + shapeToString(a.pads) + " must be smaller than kernel_shape " +
                 shapeToString(a.kernelShape) + " (a window must not lie entirely in the padding)");
  if (p.storageOrder != 0 && p.storageOrder != 1)
    ctx.fail("attribute 'storage_order' must be 0 (row major) or 1 (column major), got " +
             std::to_string(p.storageOrder));
  Shape out = xs;
  try {
    WindowGeometry g = computeWindowGeometry(a, spatialDims(xs), a.kernelShape);
    for (size_t i = 0; i < g.out.size(); ++i) out[i + 2] = g.out[i];
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (X shape " + shapeToString(xs) + ")", 0);
  }
  checkInferredOutput(ctx, out, x->dtype);
  return {TensorType::of(out, x->dtype), TensorType::of(out, DType::Int64)};
}

namespace {

Shape poolOutputShape(const Shape& x, const WindowGeometry& g) {
  Shape out(x.begin(), x.begin() + 2);
  out.insert(out.end(), g.out.begin(), g.out.end());
  return out;
}

void checkPoolInput(const PoolParams& p, const Tensor& x) {
  if (x.rank() < 3 || (!p.global && x.rank() > 2 + kMaxSpatial))
    throw Error(std::string(p.global ? "global pooling needs rank >= 3"
                                     : "pooling needs 1 to 3 spatial dims") +
                ", got X " + shapeToString(x.shape()));
}

class PoolReferenceKernel : public Kernel {
 public:
  explicit PoolReferenceKernel(PoolParams p) : p_(std::move(p)) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    checkPoolInput(p_, x);
    if (p_.global) return {globalPool(x)};
    const WindowGeometry g0 = poolGeometry(p_, x.shape());
    const Shape outShape = poolOutputShape(x.shape(), g0);
    Tensor y(DType::Float32, outShape);
    Tensor indices = p_.withIndices ? Tensor(DType::Int64, outShape) : Tensor();
    const WindowGeometry g = g0.padded(3);
    const int64_t planes = x.dim(0) * x.dim(1);
    const int64_t ID = g.in[0], IH = g.in[1], IW = g.in[2];
    const int64_t OD = g.out[0], OH = g.out[1], OW = g.out[2];
    const int64_t plane = ID * IH * IW;
    const float* px = x.f32();
    float* py = y.f32();
    int64_t* pi = p_.withIndices ? indices.i64() : nullptr;
    int64_t o = 0;
    for (int64_t pl = 0; pl < planes; ++pl) {
      const float* xp = px + pl * plane;
      for (int64_t od = 0; od < OD; ++od)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow, ++o) {
            const int64_t start[3] = {od * g.strides[0] - g.padBegin[0],
                                      oh * g.strides[1] - g.padBegin[1],
                                      ow * g.strides[2] - g.padBegin[2]};
            double sum = 0;
            int64_t count = 0;
            // A window that dilation leaves with no real tap gives the lowest float and index -1,
            // as ONNX Runtime and oneDNN do.
            float best = std::numeric_limits<float>::lowest();
            int64_t bestAt[3] = {-1, -1, -1};
            for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
              const int64_t id = start[0] + kd * g.dilations[0];
              if (id < 0 || id >= ID) continue;
              for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
                const int64_t ih = start[1] + kh * g.dilations[1];
                if (ih < 0 || ih >= IH) continue;
                for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                  const int64_t iw = start[2] + kw * g.dilations[2];
                  if (iw < 0 || iw >= IW) continue;
                  const float v = xp[(id * IH + ih) * IW + iw];
                  sum += v;
                  ++count;
                  if (v > best || bestAt[0] < 0) {
                    best = v;
                    bestAt[0] = id, bestAt[1] = ih, bestAt[2] = iw;
                  }
                }
              }
            }
            if (p_.mode == PoolMode::Max) {
              py[o] = best;
              if (pi)
                pi[o] = bestAt[0] < 0
                            ? -1
                            : pl * plane + (p_.storageOrder == 0
                                                ? (bestAt[0] * IH + bestAt[1]) * IW + bestAt[2]
                                                : bestAt[0] + bestAt[1] * ID + bestAt[2] * ID * IH);
            } else {
              int64_t divisor = count;
              if (p_.countIncludePad) {
                // Taps inside the padded input [-padBegin, in + padEnd) count, as in ONNX Runtime.
                divisor = 1;
                for (int d = 0; d < 3; ++d)
                  divisor *= std::min(start[d] + g.kernel[size_t(d)],
                                      g.in[size_t(d)] + g.padEnd[size_t(d)]) -
                             start[d];
              }
              py[o] = divisor > 0 ? float(sum / double(divisor))
                                  : std::numeric_limits<float>::quiet_NaN();
            }
          }
    }
    if (p_.withIndices) return {y, indices};
    return {y};
  }

 private:
  Tensor globalPool(const Tensor& x) const {
    Shape outShape = x.shape();
    for (size_t i = 2; i < outShape.size(); ++i) outShape[i] = 1;
    Tensor y(DType::Float32, outShape);
    const int64_t planes = x.dim(0) * x.dim(1);
    const int64_t plane = planes == 0 ? 0 : x.numel() / planes;
    for (int64_t pl = 0; pl < planes; ++pl) {
      const float* xp = x.f32() + pl * plane;
      double sum = 0;
      float best = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < plane; ++i) {
        sum += xp[i];
        best = std::max(best, xp[i]);
      }
      y.f32()[pl] = p_.mode == PoolMode::Max ? best : float(sum / double(plane));
    }
    return y;
  }

  PoolParams p_;
};

dnnl::memory::dims toDims(const std::vector<int64_t>& v) {
  return dnnl::memory::dims(v.begin(), v.end());
}

// oneDNN pooling on plain NCHW through compute(); through computeBlocked (inference,
// core/blocked_layout.h) a 2-D pool runs on nChw16c in and out.
class PoolFastKernel : public Kernel, public BlockedKernel {
 public:
  explicit PoolFastKernel(PoolParams p) : p_(p), reference_(std::move(p)) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    std::optional<Tensor> y = run(in[0], false);
    return y ? std::vector<Tensor>{*y} : reference_.compute(in);
  }

  std::optional<std::vector<Tensor>> computeBlocked(std::span<const Tensor> in, const std::vector<bool>& inBlocked,
                                                    std::vector<bool>& outBlocked) const override {
    if (!inBlocked[0] || in[0].rank() != 4) return std::nullopt;
    std::optional<Tensor> y = run(in[0], true);
    if (!y) return std::nullopt;
    outBlocked = {true};
    return std::vector<Tensor>{*y};
  }

 private:
  struct Entry {
    std::optional<dnnl::pooling_v2_forward> pool;  // empty: run the reference
    dnnl::memory::desc srcMd, dstMd;
  };

  std::optional<Tensor> run(const Tensor& x, bool blocked) const {
    checkPoolInput(p_, x);
    if (p_.withIndices || x.rank() < 3 || x.rank() > 2 + kMaxSpatial) return std::nullopt;
    const WindowGeometry g = poolGeometry(p_, x.shape());
    std::lock_guard<std::mutex> lock(mutex_);
    auto key = std::make_pair(x.shape(), blocked);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      if (cache_.size() >= 16) cache_.clear();
      it = cache_.emplace(key, build(x.shape(), g, blocked)).first;
    }
    Entry& e = it->second;
    if (!e.pool) return std::nullopt;
    Tensor y = Tensor::uninitialized(DType::Float32, poolOutputShape(x.shape(), g));
    dnnlExecute(*e.pool,
                {{DNNL_ARG_SRC, wrapTensor(e.srcMd, x)}, {DNNL_ARG_DST, wrapTensor(e.dstMd, y)}});
    return y;
  }

  Entry build(const Shape& x, const WindowGeometry& g, bool blocked) const {
    Entry e;
    const int n = g.spatial();
    // oneDNN wants (in + padL + padR - effKernel) / stride + 1 == out. With ceil_mode the last
    // window may overhang the end pad: widen padR to cover it. Max ignores padding and the
    // exclude-pad average counts real taps only, so both stay exact; the include-pad average
    // would count the overhang, so that case stays on the reference.
    std::vector<int64_t> padR = g.padEnd;
    for (int i = 0; i < n; ++i) {
      const size_t u = size_t(i);
      const int64_t need =
          (g.out[u] - 1) * g.strides[u] + g.effectiveKernel(i) - g.in[u] - g.padBegin[u];
      if (need > padR[u]) {
        if (p_.mode == PoolMode::Average && p_.countIncludePad) return e;
        padR[u] = need;
      }
    }
    const auto alg = p_.mode == PoolMode::Max ? dnnl::algorithm::pooling_max
                     : p_.countIncludePad     ? dnnl::algorithm::pooling_avg_include_padding
                                              : dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl::memory::dims dil;
    for (int64_t d : g.dilations) dil.push_back(d - 1);
    const auto tag = blocked ? dnnl::memory::format_tag::nChw16c : plainActivationTag(int(x.size()));
    e.srcMd = dnnl::memory::desc(toDims(x), dnnl::memory::data_type::f32, tag);
    e.dstMd = dnnl::memory::desc(toDims(poolOutputShape(x, g)), dnnl::memory::data_type::f32, tag);
    try {
      dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, e.srcMd, e.dstMd,
                                       toDims(g.strides), toDims(g.kernel), dil, toDims(g.padBegin),
                                       toDims(padR));
      e.pool = dnnl::pooling_v2_forward(dnnl::pooling_v2_forward::primitive_desc(d, dnnlEngine()));
      noteDnnlPrimitiveCreated();
    } catch (const dnnl::error&) {
      e.pool.reset();
    }
    return e;
  }

  PoolParams p_;
  PoolReferenceKernel reference_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<Shape, bool>, Entry> cache_;
};

}  // namespace

std::unique_ptr<Kernel> makePoolReferenceKernel(const PoolParams& p) {
  return std::make_unique<PoolReferenceKernel>(p);
}
std::unique_ptr<Kernel> makePoolFastKernel(const PoolParams& p) {
  return std::make_unique<PoolFastKernel>(p);
}

void setPoolFunctions(OpSpec& s, PoolMode mode, bool global) {
  s.infer = [mode, global](const InferContext& ctx) { return inferPool(ctx, mode, global); };
  s.reference = [mode, global](const AttrReader& a) {
    return makePoolReferenceKernel(PoolParams::read(a, mode, global));
  };
  s.fast = [mode, global](const AttrReader& a) { return makePoolFastKernel(PoolParams::read(a, mode, global)); };
  s.blocked = BlockedForm::Kernel;
}

}  // namespace nc
