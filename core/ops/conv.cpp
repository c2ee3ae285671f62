#include "core/ops/conv.h"

#include <map>
#include <mutex>

#include "core/ops/util/blocked_kernel.h"
#include "core/ops/util/checked_size.h"
#include "core/ops/util/dnnl_context.h"
#include "core/ops/util/fused_activation.h"
#include "core/ops/util/parallel.h"
#include "core/ops/util/window_geometry.h"

namespace nc {

namespace {

constexpr int kMaxSpatial = 3;

// Kernel size: kernel_shape when set, else W's spatial dims.
std::vector<int64_t> kernelOf(const WindowAttrs& a, const Shape& w) {
  return a.kernelShape.empty() ? spatialDims(w) : a.kernelShape;
}

std::vector<TensorType> inferConv(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  const auto& w = ctx.input(1);
  if (!x || !x->rankKnown) return {TensorType::unknown()};
  const Shape& xs = x->dims;
  if (xs.size() < 3 || xs.size() > 2 + kMaxSpatial)
    ctx.fail("input 'X' must be N x C x D1 [x D2 [x D3]] (1 to 3 spatial dims), got shape " +
                 shapeToString(xs),
             0);
  const WindowAttrs a = WindowAttrs::read(ctx.attrs);
  const int64_t group = ctx.attrs.i("group");
  if (group < 1) ctx.fail("attribute 'group' must be >= 1, got " + std::to_string(group));
  const int64_t c = xs[1];
  if (c >= 0 && c % group != 0)
    ctx.fail("input 'X' has " + std::to_string(c) + " channels (shape " + shapeToString(xs) +
                 "), not divisible by group " + std::to_string(group),
             0);
  Shape out(xs.size(), -1);
  out[0] = xs[0];
  std::vector<int64_t> kernel = a.kernelShape;
  if (w && w->rankKnown) {
    const Shape& ws = w->dims;
    if (ws.size() != xs.size())
      ctx.fail("input 'W' has shape " + shapeToString(ws) + " but X has shape " +
                   shapeToString(xs) + ": W must be M x C/group x k1 ... with the rank of X (" +
                   std::to_string(xs.size()) + ")",
               1);
    if (c >= 0 && ws[1] >= 0 && ws[1] * group != c)
      ctx.fail("input 'W' has shape " + shapeToString(ws) + ": its " + std::to_string(ws[1]) +
                   " input channels x group " + std::to_string(group) + " != " + std::to_string(c) +
                   " channels of X (shape " + shapeToString(xs) + ")",
               1);
    if (ws[0] >= 0 && ws[0] % group != 0)
      ctx.fail("input 'W' has shape " + shapeToString(ws) + ": its " + std::to_string(ws[0]) +
                   " output channels are not divisible by group " + std::to_string(group),
               1);
    const std::vector<int64_t> wk = spatialDims(ws);
    if (!a.kernelShape.empty() && a.kernelShape != wk) {
      bool unknown = false;
      for (int64_t d : wk) unknown |= d < 0;
      if (!unknown)
        ctx.fail("attribute kernel_shape " + shapeToString(a.kernelShape) +
                     " does not match input 'W' of shape " + shapeToString(ws),
                 1);
    }
    out[1] = ws[0];
    kernel = kernelOf(a, ws);
  }
  if (ctx.hasInput(2)) {
    const auto& b = ctx.input(2);
    if (b->rankKnown &&
        (b->dims.size() != 1 || (out[1] >= 0 && b->dims[0] >= 0 && b->dims[0] != out[1])))
      ctx.fail("input 'B' has shape " + shapeToString(b->dims) + " but W has " +
                   (out[1] < 0 ? std::string("?") : std::to_string(out[1])) +
                   " output channels (W shape " +
                   (w && w->rankKnown ? shapeToString(w->dims) : std::string("unknown")) + ")",
               2);
  }
  bool kernelKnown = kernel.size() == xs.size() - 2;
  for (int64_t k : kernel) kernelKnown &= k >= 0;
  if (!kernelKnown) return {TensorType::of(out, x->dtype)};
  try {
    WindowGeometry g = computeWindowGeometry(a, spatialDims(xs), kernel);
    for (size_t i = 0; i < g.out.size(); ++i) out[i + 2] = g.out[i];
  } catch (const ShapeError& e) {
    ctx.fail(std::string(e.what()) + " (X shape " + shapeToString(xs) + ")", 0);
  }
  checkInferredOutput(ctx, out, x->dtype);
  return {TensorType::of(out, x->dtype)};
}

Shape convOutputShape(const Tensor& x, const Tensor& w, const WindowGeometry& g) {
  Shape out = {x.dim(0), w.dim(0)};
  out.insert(out.end(), g.out.begin(), g.out.end());
  return out;
}

// Checks the tensors a kernel receives (shape inference guarantees this for well-formed graphs;
// kernels still must not crash on bad data) and resolves the geometry.
WindowGeometry convGeometry(const WindowAttrs& a, int64_t group, std::span<const Tensor> in) {
  const Tensor& x = in[0];
  const Tensor& w = in[1];
  if (group < 1) throw Error("Conv: group must be >= 1, got " + std::to_string(group));
  if (x.rank() < 3 || x.rank() > 2 + kMaxSpatial || w.rank() != x.rank())
    throw Error("Conv: X " + shapeToString(x.shape()) + " and W " + shapeToString(w.shape()) +
                " must both be rank 3 to 5");
  if (w.dim(1) * group != x.dim(1) || w.dim(0) % group != 0)
    throw Error("Conv: W " + shapeToString(w.shape()) + " with group " + std::to_string(group) +
                " does not match X " + shapeToString(x.shape()));
  if (in.size() > 2 && !in[2].empty() && in[2].numel() != w.dim(0))
    throw Error("Conv: B has " + std::to_string(in[2].numel()) + " values, W has " +
                std::to_string(w.dim(0)) + " output channels");
  if (!a.kernelShape.empty() && a.kernelShape != spatialDims(w.shape()))
    throw Error("Conv: kernel_shape " + shapeToString(a.kernelShape) + " does not match W " +
                shapeToString(w.shape()));
  WindowGeometry g = computeWindowGeometry(a, spatialDims(x.shape()), spatialDims(w.shape()));
  // Before any output, oneDNN primitive or loop: pads of 1e9 must not cost minutes first.
  checkOutputAllocation("Conv", convOutputShape(x, w, g), DType::Float32);
  return g;
}

// What graph rewrites for inference fused into a Conv (core/eval/fusion.h), applied to its
// output in this order: an activation (internal attributes "activation*"), a residual Add of
// the node's extra input 3 (which only fused nodes have; "residual_input" is the Add's port it
// came from), and the activation after that Add ("residual_activation*").
struct ConvFusion {
  FusedActivation activation, residualActivation;
  int64_t residualInput = 1;

  explicit ConvFusion(const AttrReader& a)
      : activation(FusedActivation::read(a, "activation")),
        residualActivation(FusedActivation::read(a, "residual_activation")),
        residualInput(a.i("residual_input")) {}
  static bool hasResidual(std::span<const Tensor> in) { return in.size() > 3 && !in[3].empty(); }

  // The reference: y = ract(act(y) + residual), with the formulas of the ops fused in.
  void apply(Tensor& y, std::span<const Tensor> in) const {
    activation.apply(y);
    if (!hasResidual(in)) return;
    const Tensor& r = in[3];
    if (r.shape() != y.shape() || r.dtype() != DType::Float32)
      throw Error("Conv: fused residual has shape " + shapeToString(r.shape()) + ", the output " +
                  shapeToString(y.shape()));
    float* py = y.f32();
    const float* pr = r.f32();
    for (int64_t i = 0; i < y.numel(); ++i) py[i] += pr[i];  // float addition commutes exactly
    residualActivation.apply(y);
  }

  // The same as oneDNN post-ops: eltwise, sum (the residual already in the destination), eltwise.
  dnnl::primitive_attr postOps(bool residual) const {
    dnnl::post_ops po;
    appendEltwise(po, activation);
    if (residual) {
      po.append_sum(1.0f);
      appendEltwise(po, residualActivation);
    }
    dnnl::primitive_attr attr;
    attr.set_post_ops(po);
    return attr;
  }

  static void appendEltwise(dnnl::post_ops& po, const FusedActivation& f) {
    using alg = dnnl::algorithm;
    using Kind = FusedActivation::Kind;
    switch (f.kind) {
      case Kind::None: return;
      case Kind::Relu: return po.append_eltwise(1.0f, alg::eltwise_relu, 0.0f, 0.0f);
      case Kind::LeakyRelu: return po.append_eltwise(1.0f, alg::eltwise_relu, f.alpha, 0.0f);
      case Kind::Sigmoid: return po.append_eltwise(1.0f, alg::eltwise_logistic, 0.0f, 0.0f);
      case Kind::SiLU: return po.append_eltwise(1.0f, alg::eltwise_swish, 1.0f, 0.0f);
      case Kind::Clip: return po.append_eltwise(1.0f, alg::eltwise_clip_v2, f.alpha, f.beta);
      case Kind::HardSwish: return po.append_eltwise(1.0f, alg::eltwise_hardswish, 0.0f, 0.0f);
      case Kind::HardSigmoid:  // oneDNN 2.6 has no hardsigmoid: clip(alpha * x + beta, 0, 1)
        po.append_eltwise(1.0f, alg::eltwise_linear, f.alpha, f.beta);
        return po.append_eltwise(1.0f, alg::eltwise_clip_v2, 0.0f, 1.0f);
    }
  }
};

// The oracle: the definition as loops over a 3D view, accumulating in double.
class ConvReferenceKernel : public Kernel {
 public:
  explicit ConvReferenceKernel(const AttrReader& a)
      : attrs_(WindowAttrs::read(a)), group_(a.i("group")), fusion_(a) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const bool hasBias = in.size() > 2 && !in[2].empty();
    const WindowGeometry g0 = convGeometry(attrs_, group_, in);
    Tensor y(DType::Float32, convOutputShape(x, w, g0));
    const WindowGeometry g = g0.padded(3);
    const int64_t batch = x.dim(0), c = x.dim(1), m = w.dim(0);
    const int64_t cg = c / group_, mg = m / group_;
    const int64_t ID = g.in[0], IH = g.in[1], IW = g.in[2];
    const int64_t OD = g.out[0], OH = g.out[1], OW = g.out[2];
    const int64_t KD = g.kernel[0], KH = g.kernel[1], KW = g.kernel[2];
    const float* px = x.f32();
    const float* pw = w.f32();
    const float* pb = hasBias ? in[2].f32() : nullptr;
    float* py = y.f32();
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t oc = 0; oc < m; ++oc) {
        const int64_t grp = oc / mg;
        for (int64_t od = 0; od < OD; ++od)
          for (int64_t oh = 0; oh < OH; ++oh)
            for (int64_t ow = 0; ow < OW; ++ow) {
              double acc = pb ? double(pb[oc]) : 0.0;
              for (int64_t ic = 0; ic < cg; ++ic) {
                const int64_t ch = grp * cg + ic;
                for (int64_t kd = 0; kd < KD; ++kd) {
                  const int64_t id = od * g.strides[0] - g.padBegin[0] + kd * g.dilations[0];
                  if (id < 0 || id >= ID) continue;
                  for (int64_t kh = 0; kh < KH; ++kh) {
                    const int64_t ih = oh * g.strides[1] - g.padBegin[1] + kh * g.dilations[1];
                    if (ih < 0 || ih >= IH) continue;
                    for (int64_t kw = 0; kw < KW; ++kw) {
                      const int64_t iw = ow * g.strides[2] - g.padBegin[2] + kw * g.dilations[2];
                      if (iw < 0 || iw >= IW) continue;
                      const float xv = px[(((n * c + ch) * ID + id) * IH + ih) * IW + iw];
                      const float wv = pw[(((oc * cg + ic) * KD + kd) * KH + kh) * KW + kw];
                      acc += double(xv) * double(wv);
                    }
                  }
                }
              }
              py[(((n * m + oc) * OD + od) * OH + oh) * OW + ow] = float(acc);
            }
      }
    fusion_.apply(y, in);
    return {y};
  }

 private:
  WindowAttrs attrs_;
  int64_t group_;
  ConvFusion fusion_;
};

dnnl::memory::dims toDims(const std::vector<int64_t>& v) {
  return dnnl::memory::dims(v.begin(), v.end());
}

// oneDNN convolution. Weight layouts are left to oneDNN (format_tag::any), W is reordered once
// per weight tensor. Through Kernel::compute (plain NCHW in and out) the activation layouts are
// oneDNN's choice too, with X and Y reordered at the kernel boundary. Through computeBlocked
// (inference, core/blocked_layout.h) X may arrive in nChw16c and Y is written in nChw16c when
// its channel count is a block multiple, so a chain of convolutions pays no reorders.
// Primitives are cached per (X shape, W shape, bias, layouts) so that a re-run or an edit
// elsewhere never re-JITs them.
class ConvFastKernel : public Kernel, public BlockedKernel {
 public:
  explicit ConvFastKernel(const AttrReader& a)
      : attrs_(WindowAttrs::read(a)), group_(a.i("group")), fusion_(a), reference_(a) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    std::vector<Tensor> out;
    if (!run(in, Layouts::Plain, out)) return reference_.compute(in);
    return out;
  }

  std::optional<std::vector<Tensor>> computeBlocked(std::span<const Tensor> in, const std::vector<bool>& inBlocked,
                                                    std::vector<bool>& outBlocked) const override {
    std::vector<Tensor> out;
    const bool residualBlocked = inBlocked.size() > 3 && inBlocked[3];
    if (!run(in, inBlocked[0] ? Layouts::BlockedIn : Layouts::PlainIn, out, &outBlocked, residualBlocked))
      return std::nullopt;  // oneDNN cannot: the evaluator runs the reference on plain data
    return out;
  }

 private:
  // Plain: compute(); PlainIn / BlockedIn: computeBlocked with X plain / nChw16c.
  enum class Layouts { Plain, PlainIn, BlockedIn };
  // The fused residual input: none, plain, nChw16c.
  enum class Residual { None, Plain, Blocked };

  struct Entry {
    std::optional<dnnl::convolution_forward> conv;  // empty: oneDNN cannot do it, use the reference
    std::optional<dnnl::reorder> srcReorder, dstReorder, weightsReorder;
    std::optional<dnnl::reorder> residualReorder;  // the residual into the destination (else copied)
    dnnl::memory::desc userSrcMd, userDstMd, userWeightsMd, biasMd, userResidualMd;
    dnnl::memory src, dst, weights;
    Tensor weightsSource;
    bool dstBlocked = false;  // Y is written in nChw16c
  };

  // Runs oneDNN; false (and `out` empty) when it cannot. Sets outBlocked when given.
  // residualBlocked: the fused residual input arrives in nChw16c.
  bool run(std::span<const Tensor> in, Layouts layouts, std::vector<Tensor>& out,
           std::vector<bool>* outBlocked = nullptr, bool residualBlocked = false) const {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const Tensor bias = in.size() > 2 ? in[2] : Tensor();
    const WindowGeometry g = convGeometry(attrs_, group_, in);
    const bool residual = ConvFusion::hasResidual(in);
    if (residual && (in[3].shape() != convOutputShape(x, w, g) || in[3].dtype() != DType::Float32))
      return false;  // the reference kernel reports it
    const Residual res = !residual ? Residual::None : residualBlocked ? Residual::Blocked : Residual::Plain;
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entry(x, w, !bias.empty(), g, layouts, res);
    if (!e.conv) return false;
    if (!e.weightsSource.sharesStorageWith(w) || e.weightsSource.shape() != w.shape()) {
      // A new weight tensor (first run, or the user edited W): reorder it once into oneDNN's
      // layout.
      dnnl::memory user = wrapTensor(e.userWeightsMd, w);
      if (e.weightsReorder) {
        dnnlExecute(*e.weightsReorder, {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, e.weights}});
      } else {
        e.weights = user;
      }
      e.weightsSource = w;  // keeps the storage alive, so its identity stays meaningful
    }
    Tensor y = Tensor::uninitialized(DType::Float32, convOutputShape(x, w, g));
    dnnl::memory src = wrapTensor(e.userSrcMd, x);
    if (e.srcReorder) {
      dnnlExecute(*e.srcReorder, {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, e.src}});
      src = e.src;
    }
    dnnl::memory userDst = wrapTensor(e.userDstMd, y);
    dnnl::memory dst = e.dstReorder ? e.dst : userDst;
    if (residual) {  // the sum post-op adds what the destination holds
      if (e.residualReorder)
        dnnlExecute(*e.residualReorder, {{DNNL_ARG_FROM, wrapTensor(e.userResidualMd, in[3])}, {DNNL_ARG_TO, dst}});
      else  // the same layout: a plain copy (oneDNN's same-layout reorder is not vectorised)
        parallelCopy({{static_cast<std::byte*>(dst.get_data_handle()), static_cast<const std::byte*>(in[3].raw()),
                       size_t(in[3].numel()) * sizeof(float)}});
    }
    std::unordered_map<int, dnnl::memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, e.weights}, {DNNL_ARG_DST, dst}};
    if (!bias.empty()) args[DNNL_ARG_BIAS] = wrapTensor(e.biasMd, bias);
    dnnlExecute(*e.conv, args);
    if (e.dstReorder) dnnlExecute(*e.dstReorder, {{DNNL_ARG_FROM, e.dst}, {DNNL_ARG_TO, userDst}});
    out = {y};
    if (outBlocked) *outBlocked = {e.dstBlocked};
    return true;
  }

  Entry& entry(const Tensor& x, const Tensor& w, bool hasBias, const WindowGeometry& g, Layouts layouts,
               Residual residual) const {
    std::vector<int64_t> key = x.shape();
    key.insert(key.end(), w.shape().begin(), w.shape().end());
    key.push_back(hasBias ? 1 : 0);
    key.push_back(int64_t(layouts));
    key.push_back(int64_t(residual));
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= 16)
      cache_.clear();  // shapes of one node rarely vary; bound the memory anyway
    Entry& e = cache_[key];
    using md = dnnl::memory::desc;
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const int rank = x.rank();
    const Shape outShape = convOutputShape(x, w, g);
    dnnl::memory::dims wdims;
    tag wtag;
    if (group_ == 1) {
      wdims = toDims(w.shape());
      wtag = rank == 3 ? tag::oiw : rank == 4 ? tag::oihw : tag::oidhw;
    } else {
      wdims = {group_, w.dim(0) / group_};
      wdims.insert(wdims.end(), w.shape().begin() + 1, w.shape().end());
      wtag = rank == 3 ? tag::goiw : rank == 4 ? tag::goihw : tag::goidhw;
    }
    // Blocked layouts only for 2-D convolutions whose channel counts are block multiples.
    const bool blockedMode = layouts != Layouts::Plain && rank == 4;
    // A plain X is reordered to nChw16c only to feed a blocked Y (e.g. not for YOLO's 16 -> 1
    // DFL conv, where oneDNN's own choice is cheaper).
    const bool dstBlockable = blockedMode && w.dim(0) % kChannelBlock == 0;
    const bool srcBlockable =
        blockedMode && x.dim(1) % kChannelBlock == 0 && (layouts == Layouts::BlockedIn || dstBlockable);
    const md plainSrc(toDims(x.shape()), dt::f32, plainActivationTag(rank));
    const md plainDst(toDims(outShape), dt::f32, plainActivationTag(rank));
    const md blockedDst = dstBlockable ? md(toDims(outShape), dt::f32, tag::nChw16c) : plainDst;
    e.userSrcMd = layouts == Layouts::BlockedIn ? md(toDims(x.shape()), dt::f32, tag::nChw16c) : plainSrc;
    e.userWeightsMd = md(wdims, dt::f32, wtag);
    e.biasMd = md({w.dim(0)}, dt::f32, tag::x);
    dnnl::memory::dims dil;
    for (int64_t d : g.dilations) dil.push_back(d - 1);  // oneDNN counts the gaps
    try {
      auto makePd = [&](tag srcTag, tag dstTag) {
        const md anySrc(toDims(x.shape()), dt::f32, srcTag), anyDst(toDims(outShape), dt::f32, dstTag),
            anyW(wdims, dt::f32, tag::any);
        auto d = hasBias ? dnnl::convolution_forward::desc(
                               dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, anySrc,
                               anyW, e.biasMd, anyDst, toDims(g.strides), dil, toDims(g.padBegin), toDims(g.padEnd))
                         : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                           dnnl::algorithm::convolution_direct, anySrc, anyW,
                                                           anyDst, toDims(g.strides), dil, toDims(g.padBegin),
                                                           toDims(g.padEnd));
        return dnnl::convolution_forward::primitive_desc(d, fusion_.postOps(residual != Residual::None),
                                                         dnnlEngine());
      };
      std::optional<dnnl::convolution_forward::primitive_desc> pd;
      if (srcBlockable || dstBlockable) {
        try {
          pd = makePd(srcBlockable ? tag::nChw16c : tag::any, dstBlockable ? tag::nChw16c : tag::any);
          // oneDNN's reference implementation is far slower than a reorder: let it choose.
          if (std::string(pd->impl_info_str()).rfind("ref", 0) == 0) pd.reset();
        } catch (const dnnl::error&) {
          pd.reset();
        }
      }
      if (!pd) pd = makePd(tag::any, tag::any);
      e.dstBlocked = dstBlockable && pd->dst_desc() == blockedDst;
      e.userDstMd = e.dstBlocked ? blockedDst : plainDst;
      dnnl::engine& eng = dnnlEngine();
      if (pd->src_desc() != e.userSrcMd) {
        e.src = dnnl::memory(pd->src_desc(), eng);
        e.srcReorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng, e.userSrcMd, eng, pd->src_desc()));
      }
      if (pd->dst_desc() != e.userDstMd) {
        e.dst = dnnl::memory(pd->dst_desc(), eng);
        e.dstReorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng, pd->dst_desc(), eng, e.userDstMd));
      }
      if (residual != Residual::None) {
        e.userResidualMd = residual == Residual::Blocked ? md(toDims(outShape), dt::f32, tag::nChw16c) : plainDst;
        if (e.userResidualMd != pd->dst_desc())
          e.residualReorder =
              dnnl::reorder(dnnl::reorder::primitive_desc(eng, e.userResidualMd, eng, pd->dst_desc()));
      }
      if (pd->weights_desc() != e.userWeightsMd) {
        e.weights = dnnl::memory(pd->weights_desc(), eng);
        e.weightsReorder =
            dnnl::reorder(dnnl::reorder::primitive_desc(eng, e.userWeightsMd, eng, pd->weights_desc()));
      }
      e.conv = dnnl::convolution_forward(*pd);
      noteDnnlPrimitiveCreated();
    } catch (const dnnl::error&) {
      e = Entry();  // unsupported by oneDNN: this shape runs on the reference kernel
    }
    return e;
  }

  WindowAttrs attrs_;
  int64_t group_;
  ConvFusion fusion_;
  ConvReferenceKernel reference_;
  mutable std::mutex mutex_;
  mutable std::map<std::vector<int64_t>, Entry> cache_;
};

// Writes back what fusion replaced, as the original nodes: Conv [-> activation] [-> Add of
// input 3 [-> activation]].
void exportConv(ExportContext& ctx, const AttrReader& a) {
  std::vector<std::pair<std::string, AttrValue>> attrs;
  for (auto& [k, v] : a.node().attrs)
    if (const AttrSpec* spec = a.spec().findAttr(k); !spec || !spec->internal) attrs.emplace_back(k, v);
  std::vector<std::string> ins;
  for (int i = 0; i < std::min(ctx.numInputs(), 3); ++i) ins.push_back(ctx.input(i));
  while (!ins.empty() && ins.back().empty()) ins.pop_back();
  const ConvFusion f(a);
  const std::string residual = ctx.numInputs() > 3 ? ctx.input(3) : std::string();
  int stages = int(bool(f.activation)) + (residual.empty() ? 0 : 1 + int(bool(f.residualActivation)));
  // Each stage writes a fresh value; the last one the node's output.
  auto target = [&](const char* hint) { return --stages == 0 ? ctx.output(0) : ctx.tempName(hint); };
  std::string cur = stages == 0 ? ctx.output(0) : ctx.tempName("conv");
  ctx.addNode("Conv", ins, {cur}, attrs, "");
  if (f.activation) {
    const std::string t = target("act");
    f.activation.exportOnnx(ctx, cur, t, "");
    cur = t;
  }
  if (!residual.empty()) {
    const std::string t = target("add");
    ctx.addNode("Add", f.residualInput == 0 ? std::vector{residual, cur} : std::vector{cur, residual}, {t}, {},
                "_add");
    cur = t;
    if (f.residualActivation) f.residualActivation.exportOnnx(ctx, cur, target("act"), "_add");
  }
}

}  // namespace

const OpSpec& convOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Conv";
    s.sinceVersion = 11;
    s.minImportOpset = 1;
    s.category = "Convolution";
    s.caption = "Conv";
    s.doc =
        "N-D convolution (cross-correlation, 1 to 3 spatial dims) of X (N x C x D...) with W "
        "(M x C/group x k...), plus optional bias B (M)";
    s.inputs = {in("X"), param("W"), param("B", true)};
    s.outputs = {in("Y")};
    s.attrs = {
        attrString(
            "auto_pad", "NOTSET", {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
            "NOTSET uses pads; SAME_* pad so that out = ceil(in / stride); VALID: no padding"),
        attrInts("dilations", std::nullopt,
                 "spacing between kernel taps per spatial dim (default 1)"),
        attrInt("group", 1, 1, 65536, "channel groups; group = C gives a depthwise convolution"),
        attrInts("kernel_shape", std::nullopt, "kernel size per spatial dim (default: from W)"),
        attrInts("pads", std::nullopt, "begin pads then end pads per spatial dim (default 0)"),
        attrInts("strides", std::nullopt, "stride per spatial dim (default 1)"),
    };
    for (const AttrSpec& a : FusedActivation::attrSpecs("activation", "activation fused in for inference"))
      s.attrs.push_back(a);
    for (const AttrSpec& a :
         FusedActivation::attrSpecs("residual_activation", "activation after the fused residual Add"))
      s.attrs.push_back(a);
    s.attrs.push_back(internalAttr(
        attrInt("residual_input", 1, 0, 1, "the port of the fused residual Add that input 3 came from")));
    s.exportOnnx = exportConv;
    s.infer = inferConv;
    s.reference = [](const AttrReader& a) { return std::make_unique<ConvReferenceKernel>(a); };
    s.fast = [](const AttrReader& a) { return std::make_unique<ConvFastKernel>(a); };
    s.blocked = BlockedForm::Kernel;
    return s;
  }();
  return spec;
}

}  // namespace nc
