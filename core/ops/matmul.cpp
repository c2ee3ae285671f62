#include "core/ops/matmul.h"

#include <dnnl.hpp>
#include <map>
#include <mutex>

#include "core/ops/util/shape_util.h"
#include "core/ops/util/tensor_util.h"

namespace nc {

MatmulDims matmulDims(const Shape& a, const Shape& b) {
  if (a.empty() || b.empty())
    throw ShapeError("MatMul needs inputs of rank >= 1, got A " + shapeToString(a) + " and B " +
                     shapeToString(b));
  MatmulDims d;
  const bool aVec = a.size() == 1, bVec = b.size() == 1;
  d.m = aVec ? 1 : a[a.size() - 2];
  d.k = a.back();
  const int64_t kb = bVec ? b[0] : b[b.size() - 2];
  d.n = bVec ? 1 : b.back();
  if (d.k >= 0 && kb >= 0 && d.k != kb)
    throw ShapeError("inner dimensions do not match: A " + shapeToString(a) +
                     " has K = " + std::to_string(d.k) + ", B " + shapeToString(b) +
                     " has K = " + std::to_string(kb));
  if (d.k < 0) d.k = kb;
  if (!aVec) d.aBatch.assign(a.begin(), a.end() - 2);
  if (!bVec) d.bBatch.assign(b.begin(), b.end() - 2);
  try {
    d.batch = broadcastShapes(d.aBatch, d.bBatch);
  } catch (const ShapeError&) {
    throw ShapeError("batch dimensions of A " + shapeToString(a) + " and B " + shapeToString(b) +
                     " cannot be broadcast");
  }
  d.out = d.batch;
  if (!aVec) d.out.push_back(d.m);
  if (!bVec) d.out.push_back(d.n);
  return d;
}

namespace {

std::vector<TensorType> inferMatmul(const InferContext& ctx) {
  const auto& a = ctx.input(0);
  const auto& b = ctx.input(1);
  if (!a || !b || !a->rankKnown || !b->rankKnown) return {TensorType::unknown()};
  try {
    return {TensorType::of(matmulDims(a->dims, b->dims).out)};
  } catch (const ShapeError& e) {
    ctx.fail(e.what(), a->dims.empty() ? 0 : 1);
  }
}

// Offsets (in matrices) of A's and B's matrix for each flat batch index of the output.
void batchOffsets(const MatmulDims& d, std::vector<int64_t>& offA, std::vector<int64_t>& offB) {
  const size_t r = d.batch.size();
  const int64_t nb = shapeNumel(d.batch);
  std::vector<int64_t> sa = broadcastInputStrides(d.aBatch, r),
                       sb = broadcastInputStrides(d.bBatch, r);
  offA.assign(size_t(nb), 0);
  offB.assign(size_t(nb), 0);
  std::vector<int64_t> idx(r, 0);
  for (int64_t i = 0; i < nb; ++i) {
    int64_t oa = 0, ob = 0;
    for (size_t k = 0; k < r; ++k) oa += idx[k] * sa[k], ob += idx[k] * sb[k];
    offA[size_t(i)] = oa;
    offB[size_t(i)] = ob;
    for (int k = int(r) - 1; k >= 0; --k) {
      if (++idx[size_t(k)] < d.batch[size_t(k)]) break;
      idx[size_t(k)] = 0;
    }
  }
}

// The reference: the definition, one dot product per output element, accumulated in double.
class MatmulReference : public Kernel {
 public:
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor &a = in[0], &b = in[1];
    MatmulDims d = matmulDims(a.shape(), b.shape());
    Tensor y(DType::Float32, d.out);
    std::vector<int64_t> offA, offB;
    batchOffsets(d, offA, offB);
    const float *pa = a.f32(), *pb = b.f32();
    float* py = y.f32();
    const int64_t m = d.m, k = d.k, n = d.n;
    for (size_t bi = 0; bi < offA.size(); ++bi) {
      const float* ma = pa + offA[bi] * m * k;
      const float* mb = pb + offB[bi] * k * n;
      float* my = py + int64_t(bi) * m * n;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double acc = 0;
          for (int64_t p = 0; p < k; ++p) acc += double(ma[i * k + p]) * double(mb[p * n + j]);
          my[i * n + j] = float(acc);
        }
    }
    return {y};
  }
};

// The fast path: one oneDNN matmul primitive over all batches (batch broadcasting included),
// built once per operand shape and cached.
class MatmulFast : public Kernel {
 public:
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor &a = in[0], &b = in[1];
    MatmulDims d = matmulDims(a.shape(), b.shape());
    Tensor y(DType::Float32, d.out);
    if (y.numel() == 0) return {y};
    if (d.k == 0) return {y};  // empty sums: zeros
    const size_t r = d.batch.size() + 2;
    if (r > 12) return MatmulReference().compute(in);
    auto full = [&](const Shape& batch, int64_t rows, int64_t cols) {
      Shape s(r - 2 - batch.size(), 1);
      s.insert(s.end(), batch.begin(), batch.end());
      s.push_back(rows);
      s.push_back(cols);
      return s;
    };
    Shape ad = full(d.aBatch, d.m, d.k), bd = full(d.bBatch, d.k, d.n),
          yd = full(d.batch, d.m, d.n);
    cache_.run(ad, contiguousStrides(ad), a.f32(), bd, contiguousStrides(bd), b.f32(), yd, y.f32());
    return {y};
  }

 private:
  DnnlMatmulCache cache_;
};

}  // namespace

struct DnnlMatmulCache::Impl {
  std::mutex mutex;
  std::map<std::vector<int64_t>, std::shared_ptr<dnnl::matmul>> prims;
};

static dnnl::engine& cpuEngine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

DnnlMatmulCache::DnnlMatmulCache() : impl_(std::make_unique<Impl>()) {}
DnnlMatmulCache::~DnnlMatmulCache() = default;

void DnnlMatmulCache::run(const Shape& aDims, const Shape& aStrides, const float* a,
                          const Shape& bDims, const Shape& bStrides, const float* b,
                          const Shape& cDims, float* c) const {
  using dt = dnnl::memory::data_type;
  dnnl::memory::desc amd(aDims, dt::f32, aStrides), bmd(bDims, dt::f32, bStrides),
      cmd(cDims, dt::f32, contiguousStrides(cDims));
  std::vector<int64_t> key;
  for (const Shape* s : {&aDims, &aStrides, &bDims, &bStrides, &cDims}) {
    key.push_back(int64_t(s->size()));
    key.insert(key.end(), s->begin(), s->end());
  }
  std::shared_ptr<dnnl::matmul> prim;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    auto& slot = impl_->prims[key];
    if (!slot) {
      try {
        dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(amd, bmd, cmd), cpuEngine());
        slot = std::make_shared<dnnl::matmul>(pd);
      } catch (const dnnl::error& e) {
        impl_->prims.erase(key);
        throw Error(std::string("oneDNN matmul: ") + e.what());
      }
    }
    prim = slot;
  }
  dnnl::memory am(amd, cpuEngine(), const_cast<float*>(a)),
      bm(bmd, cpuEngine(), const_cast<float*>(b)), cm(cmd, cpuEngine(), c);
  dnnl::stream s(cpuEngine());
  prim->execute(s, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
  s.wait();
}

const OpSpec& matmulOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "MatMul";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Linear";
    s.caption = "MatMul";
    s.doc =
        "Y = A x B with NumPy matmul semantics: batch dimensions broadcast; a 1-D A is a row "
        "vector and a 1-D B a column vector, their unit dimension removed from Y";
    s.inputs = {in("A"), in("B")};
    s.outputs = {in("Y")};
    s.infer = inferMatmul;
    s.reference = [](const AttrReader&) { return std::make_unique<MatmulReference>(); };
    s.fast = [](const AttrReader&) { return std::make_unique<MatmulFast>(); };
    return s;
  }();
  return spec;
}

}  // namespace nc
