#include "core/ops/batch_normalization.h"

#include <cmath>

namespace nc {

namespace {

const char* kParamNames[] = {"X", "scale", "B", "input_mean", "input_var"};

std::vector<TensorType> inferBatchNorm(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x || !x->rankKnown) return {TensorType::unknown()};
  if (x->dims.size() < 2)
    ctx.fail("input 'X' must have rank >= 2 (N, C, ...), got shape " + shapeToString(x->dims), 0);
  int64_t c = x->dims[1];
  for (int i = 1; i < 5; ++i) {
    const auto& p = ctx.input(i);
    if (!p || !p->rankKnown) continue;
    if (p->dims.size() != 1 || (c >= 0 && p->dims[0] >= 0 && p->dims[0] != c))
      ctx.fail(std::string("input '") + kParamNames[i] + "' has shape " + shapeToString(p->dims) +
                   " but X has " + (c < 0 ? std::string("?") : std::to_string(c)) + " channels (X shape " +
                   shapeToString(x->dims) + ")",
               i);
  }
  if (ctx.attrs.i("training_mode") != 0) {
    TensorType stat = TensorType::of({c}, DType::Float32);
    return {*x, stat, stat};
  }
  return {*x};
}

// Training mode (as ONNX defines it): normalise with the batch statistics and return the
// updated running statistics, running = input * momentum + batch * (1 - momentum).
std::vector<Tensor> batchNormTraining(std::span<const Tensor> in, float epsilon, float momentum) {
  const Tensor& x = in[0];
  const int64_t n = x.dim(0), c = x.dim(1), inner = x.numel() / std::max<int64_t>(1, n * c);
  const float* px = x.f32();
  std::vector<double> bm(size_t(c), 0.0), bv(size_t(c), 0.0);
  for (int64_t ch = 0; ch < c; ++ch) {
    double sum = 0, sq = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) sum += px[(b * c + ch) * inner + i];
    const double count = double(n * inner), mean = sum / count;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        double d = px[(b * c + ch) * inner + i] - mean;
        sq += d * d;
      }
    bm[size_t(ch)] = mean;
    bv[size_t(ch)] = sq / count;
  }
  Tensor y(DType::Float32, x.shape()), rm(DType::Float32, {c}), rv(DType::Float32, {c});
  const float *scale = in[1].f32(), *bias = in[2].f32(), *mean = in[3].f32(), *var = in[4].f32();
  for (int64_t ch = 0; ch < c; ++ch) {
    const double inv = 1.0 / std::sqrt(bv[size_t(ch)] + double(epsilon));
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t k = (b * c + ch) * inner + i;
        y.f32()[k] = float(double(scale[ch]) * (px[k] - bm[size_t(ch)]) * inv + double(bias[ch]));
      }
    rm.f32()[ch] = float(double(mean[ch]) * momentum + bm[size_t(ch)] * (1.0 - momentum));
    rv.f32()[ch] = float(double(var[ch]) * momentum + bv[size_t(ch)] * (1.0 - momentum));
  }
  return {y, rm, rv};
}

// Checks X against the four per-channel inputs; kernels never read out of bounds, whatever the
// graph (shape inference reports the same problem while editing).
struct BnDims {
  int64_t n, c, inner;
};

BnDims checkedDims(std::span<const Tensor> in) {
  const Tensor& x = in[0];
  if (x.rank() < 2) throw Error("X must have rank >= 2, got shape " + shapeToString(x.shape()));
  const int64_t n = x.dim(0), c = x.dim(1);
  for (int i = 1; i < 5; ++i)
    if (in[size_t(i)].numel() != c)
      throw Error(std::string("input '") + kParamNames[i] + "' has " + std::to_string(in[size_t(i)].numel()) +
                  " values, X has " + std::to_string(c) + " channels");
  return {n, c, x.numel() / std::max<int64_t>(1, n * c)};
}

// Attributes parsed once; training mode shared; inference form by the subclass.
class BatchNormKernelBase : public Kernel {
 public:
  explicit BatchNormKernelBase(const AttrReader& a)
      : epsilon_(a.f("epsilon")), momentum_(a.f("momentum")), training_(a.i("training_mode") != 0) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const final {
    const BnDims d = checkedDims(in);
    if (training_) return batchNormTraining(in, epsilon_, momentum_);
    return inference(in, d.n, d.c, d.inner);
  }

 protected:
  virtual std::vector<Tensor> inference(std::span<const Tensor> in, int64_t n, int64_t c, int64_t inner) const = 0;
  float epsilon_, momentum_;
  bool training_;
};

// The reference: the formula as written, in double, per element.
class BatchNormKernel : public BatchNormKernelBase {
 public:
  using BatchNormKernelBase::BatchNormKernelBase;

 protected:
  std::vector<Tensor> inference(std::span<const Tensor> in, int64_t n, int64_t c, int64_t inner) const override {
    const Tensor& x = in[0];
    const float *scale = in[1].f32(), *bias = in[2].f32(), *mean = in[3].f32(), *var = in[4].f32();
    Tensor y(DType::Float32, x.shape());
    const float* px = x.f32();
    float* py = y.f32();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ++ch) {
        const double inv = 1.0 / std::sqrt(double(var[ch]) + double(epsilon_));
        const int64_t off = (b * c + ch) * inner;
        for (int64_t i = 0; i < inner; ++i)
          py[off + i] = float(double(scale[ch]) * (double(px[off + i]) - double(mean[ch])) * inv + double(bias[ch]));
      }
    return {y};
  }
};

// The fast path: folded per-channel multiply-add, vectorisable inner loop.
class BatchNormFastKernel : public BatchNormKernelBase {
 public:
  using BatchNormKernelBase::BatchNormKernelBase;

 protected:
  std::vector<Tensor> inference(std::span<const Tensor> in, int64_t n, int64_t c, int64_t inner) const override {
    const Tensor& x = in[0];
    const float *scale = in[1].f32(), *bias = in[2].f32(), *mean = in[3].f32(), *var = in[4].f32();
    Tensor y(DType::Float32, x.shape());
    const float* px = x.f32();
    float* py = y.f32();
    for (int64_t ch = 0; ch < c; ++ch) {
      const float a = float(double(scale[ch]) / std::sqrt(double(var[ch]) + double(epsilon_)));
      const float b = float(double(bias[ch]) - double(mean[ch]) * a);
      for (int64_t bt = 0; bt < n; ++bt) {
        const float* xs = px + (bt * c + ch) * inner;
        float* ys = py + (bt * c + ch) * inner;
        for (int64_t i = 0; i < inner; ++i) ys[i] = xs[i] * a + b;
      }
    }
    return {y};
  }
};

}  // namespace

const OpSpec& batchNormalizationOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "BatchNormalization";
    s.sinceVersion = 15;
    s.minImportOpset = 9;
    s.category = "Normalization";
    s.caption = "BatchNorm";
    s.doc = "Y = scale * (X - mean) / sqrt(var + epsilon) + B, per channel (inference)";
    s.inputs = {in("X"), param("scale"), param("B"), buffer("input_mean"), buffer("input_var")};
    s.outputs = {in("Y"), optionalIn("running_mean", "training_mode only"),
                 optionalIn("running_var", "training_mode only")};
    s.attrs = {
        attrFloat("epsilon", 1e-5f, 0.0, 1.0, "added to the variance"),
        attrFloat("momentum", 0.9f, 0.0, 1.0, "training only; kept for export"),
        attrInt("training_mode", 0, 0, 1, "1: normalise with batch statistics, output running statistics"),
    };
    s.infer = inferBatchNorm;
    s.reference = [](const AttrReader& a) { return std::make_unique<BatchNormKernel>(a); };
    s.fast = [](const AttrReader& a) { return std::make_unique<BatchNormFastKernel>(a); };
    s.importOnnx = [](ImportedNode& n) {
      if (n.opset < 14 && n.numOutputs > 1)
        throw Error("BatchNormalization '" + n.name + "': the opset " + std::to_string(n.opset) +
                    " training outputs (saved mean/var) are not supported; opset 14+ training_mode is");
      n.attrs.erase("spatial");  // opset < 9 only; 1 (the default) is the only meaning we have
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
