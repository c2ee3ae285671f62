#pragma once
// Building blocks for elementwise ops: a unary op is a scalar function plus its spec fields.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "core/ops/op.h"
#include "core/ops/util/parallel.h"
#include "core/ops/util/shape_util.h"

namespace nc {

using UnaryFn = float (*)(float);

// Applies f to every element of in (float32), returning a fresh tensor.
Tensor mapUnary(const Tensor& in, const std::function<float(float)>& f);

// Spec for a one-input, one-output elementwise op of the given ONNX type. `makeFn` builds the
// scalar function from the node's attributes (alpha, beta, ...), once per kernel. float32 only:
// shape inference rejects other element types, naming the input type.
OpSpec unaryOpSpec(std::string type, std::string category, std::string doc,
                   std::function<std::function<float(float)>(const AttrReader&)> makeFn,
                   std::vector<AttrSpec> attrs = {}, int sinceVersion = 13);

// Applies f over two broadcast inputs (NumPy rules).
Tensor mapBinary(const Tensor& a, const Tensor& b, const std::function<float(float, float)>& f);

// Spec for a two-input broadcasting op (Add, Mul, ...) of the given ONNX type. Inputs must share
// one element type; `fi`, when given, also accepts int64 inputs.
OpSpec binaryOpSpec(std::string type, std::string doc, float (*f)(float, float),
                    int sinceVersion = 14, int64_t (*fi)(int64_t, int64_t) = nullptr);

// The reference kernel of binaryOpSpec: dispatches on the element type (float32 via f, int64 via
// fi), broadcasting with one index step per element. Throws naming `op` on mixed or unsupported
// element types.
Tensor binaryReference(const std::string& op, const Tensor& a, const Tensor& b,
                       float (*f)(float, float), int64_t (*fi)(int64_t, int64_t));

// Shape inference of a broadcasting op whose inputs must share one element type (Add, Max, ...):
// unknown while any input is unbound; fails naming both inputs on a dtype or shape mismatch.
std::vector<TensorType> inferBroadcastSameType(const InferContext& ctx);

// Strides of `s` aligned to an output of rank `rank`, 0 on broadcast (size-1 or missing) dims.
std::vector<int64_t> broadcastStrides(const Shape& s, size_t rank);

// The broadcasting oracle for any element types (Pow mixes them): one odometer step per element,
// the scalar function called through std::function.
template <class TA, class TB, class TY>
Tensor broadcastNaive(const Tensor& a, const TA* pa, const Tensor& b, const TB* pb, DType outType,
                      const std::function<TY(TA, TB)>& f) {
  Shape out = broadcastShapes(a.shape(), b.shape());
  Tensor y(outType, out);
  const size_t r = out.size();
  std::vector<int64_t> sa = broadcastStrides(a.shape(), r), sb = broadcastStrides(b.shape(), r);
  TY* py = static_cast<TY*>(y.raw());
  std::vector<int64_t> idx(r, 0);
  const int64_t n = y.numel();
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < n; ++i) {
    py[i] = f(pa[ia], pb[ib]);
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < out[d]) {
        ia += sa[d];
        ib += sb[d];
        break;
      }
      ia -= sa[d] * (out[d] - 1);
      ib -= sb[d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
  return y;
}

// Broadcasting as a sequence of innermost runs: calls run(offA, offB, offY, n, strideA, strideB)
// with strideA/strideB in {0, 1}, after merging the dimensions that are contiguous in all three,
// for the output elements [begin, end) (runs cut at both ends). The fast kernels vectorise over
// these runs and give disjoint ranges to threads.
template <class Run>
void forEachBroadcastRun(const Shape& a, const Shape& b, const Shape& out, int64_t begin, int64_t end, Run run) {
  const size_t r = out.size();
  std::vector<int64_t> sa = broadcastStrides(a, r), sb = broadcastStrides(b, r);
  // Size-1 output dims carry no iteration; drop them.
  Shape dims;
  std::vector<int64_t> da, db;
  for (size_t d = 0; d < r; ++d) {
    if (out[d] == 1) continue;
    dims.push_back(out[d]);
    da.push_back(sa[d]);
    db.push_back(sb[d]);
  }
  // Collapse from the inside out: (outer, inner) merge when outer stride == inner stride * inner
  // size.
  for (size_t d = dims.size(); d-- > 1;) {
    const size_t o = d - 1;
    if (da[o] == da[d] * dims[d] && db[o] == db[d] * dims[d]) {
      dims[o] *= dims[d];
      da[o] = da[d];
      db[o] = db[d];
      dims.erase(dims.begin() + std::ptrdiff_t(d));
      da.erase(da.begin() + std::ptrdiff_t(d));
      db.erase(db.begin() + std::ptrdiff_t(d));
    }
  }
  if (dims.empty()) {  // all-ones output shape: one element
    if (shapeNumel(out) == 1 && begin < end) run(0, 0, 0, 1, 0, 0);
    return;
  }
  for (int64_t d : dims)
    if (d == 0) return;
  const size_t k = dims.size() - 1;
  const int64_t n = dims[k];
  // The odometer over the outer dims, started at `begin`.
  std::vector<int64_t> idx(k, 0);
  int64_t ia = 0, ib = 0, iy = begin, j = begin % n;
  for (int64_t q = begin / n, d = int64_t(k) - 1; d >= 0; --d) {
    idx[size_t(d)] = q % dims[size_t(d)];
    q /= dims[size_t(d)];
    ia += idx[size_t(d)] * da[size_t(d)];
    ib += idx[size_t(d)] * db[size_t(d)];
  }
  while (iy < end) {
    const int64_t len = std::min(n - j, end - iy);
    run(ia + j * da[k], ib + j * db[k], iy, len, da[k], db[k]);
    iy += len;
    j = 0;
    size_t d = k;
    while (d-- > 0) {
      if (++idx[d] < dims[d]) {
        ia += da[d];
        ib += db[d];
        break;
      }
      ia -= da[d] * (dims[d] - 1);
      ib -= db[d] * (dims[d] - 1);
      idx[d] = 0;
    }
    if (d == size_t(-1)) return;
  }
}

// The same over every output element.
template <class Run>
void forEachBroadcastRun(const Shape& a, const Shape& b, const Shape& out, Run run) {
  forEachBroadcastRun(a, b, out, 0, shapeNumel(out), run);
}

// Fast float32 broadcasting binary op: `op` is an inlinable functor; each run is a plain loop
// the compiler vectorises, and large outputs are split over the thread pool.
template <class Op>
Tensor binaryFastF32(const Tensor& a, const Tensor& b, Op op) {
  const Shape out = a.shape() == b.shape() ? a.shape() : broadcastShapes(a.shape(), b.shape());
  Tensor y = Tensor::uninitialized(DType::Float32, out);  // every element is written
  const float* pa = a.f32();
  const float* pb = b.f32();
  float* py = y.f32();
  auto run = [&](int64_t oa, int64_t ob, int64_t oy, int64_t n, int64_t sa, int64_t sb) {
    const float* __restrict xa = pa + oa;
    const float* __restrict xb = pb + ob;
    float* __restrict xy = py + oy;
    if (sa && sb) {
      for (int64_t i = 0; i < n; ++i) xy[i] = op(xa[i], xb[i]);
    } else if (sa) {
      const float vb = xb[0];
      for (int64_t i = 0; i < n; ++i) xy[i] = op(xa[i], vb);
    } else if (sb) {
      const float va = xa[0];
      for (int64_t i = 0; i < n; ++i) xy[i] = op(va, xb[i]);
    } else {
      const float v = op(xa[0], xb[0]);
      for (int64_t i = 0; i < n; ++i) xy[i] = v;
    }
  };
  parallelFor(y.numel(), kParallelElements, [&](int64_t begin, int64_t end) {
    forEachBroadcastRun(a.shape(), b.shape(), out, begin, end, run);
  });
  return y;
}

}  // namespace nc

namespace nc {

// Fast kernel factory for a binaryOpSpec op: float32 through binaryFastF32 with the inlinable
// functor `op`; other element types through the reference path.
template <class Op>
KernelFactory binaryFastKernel(std::string type, float (*f)(float, float),
                               int64_t (*fi)(int64_t, int64_t), Op op) {
  return [=](const AttrReader&) {
    return makeKernel([=](std::span<const Tensor> in) {
      if (in[0].dtype() == DType::Float32 && in[1].dtype() == DType::Float32)
        return std::vector<Tensor>{binaryFastF32(in[0], in[1], op)};
      return std::vector<Tensor>{binaryReference(type, in[0], in[1], f, fi)};
    });
  };
}

}  // namespace nc
