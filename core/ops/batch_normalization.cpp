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
  return {*x};
}

// The reference: the formula as written, in double, per element.
class BatchNormKernel : public Kernel {
 public:
  explicit BatchNormKernel(const AttrReader& a) : epsilon_(a.f("epsilon")) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    if (x.rank() < 2) throw Error("X must have rank >= 2");
    const int64_t n = x.dim(0), c = x.dim(1), inner = x.numel() / std::max<int64_t>(1, n * c);
    for (int i = 1; i < 5; ++i)
      if (in[size_t(i)].numel() != c)
        throw Error(std::string("input '") + kParamNames[i] + "' has " + std::to_string(in[size_t(i)].numel()) +
                    " values, X has " + std::to_string(c) + " channels");
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

 private:
  float epsilon_;
};

// The fast path: folded per-channel multiply-add, vectorisable inner loop.
class BatchNormFastKernel : public Kernel {
 public:
  explicit BatchNormFastKernel(const AttrReader& a) : epsilon_(a.f("epsilon")) {}
  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    if (x.rank() < 2) throw Error("X must have rank >= 2");
    const int64_t n = x.dim(0), c = x.dim(1), inner = x.numel() / std::max<int64_t>(1, n * c);
    for (int i = 1; i < 5; ++i)
      if (in[size_t(i)].numel() != c) throw Error(std::string("input '") + kParamNames[i] + "' size mismatch");
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

 private:
  float epsilon_;
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
    s.inputs = {in("X"), param("scale"), param("B"), param("input_mean"), param("input_var")};
    s.outputs = {in("Y")};
    s.attrs = {
        attrFloat("epsilon", 1e-5f, 0.0, 1.0, "added to the variance"),
        attrFloat("momentum", 0.9f, 0.0, 1.0, "training only; kept for export"),
        attrInt("training_mode", 0, 0, 0, "only 0 (inference) is supported"),
    };
    s.infer = inferBatchNorm;
    s.reference = [](const AttrReader& a) { return std::make_unique<BatchNormKernel>(a); };
    s.fast = [](const AttrReader& a) { return std::make_unique<BatchNormFastKernel>(a); };
    s.importOnnx = [](ImportedNode& n) {
      if (auto it = n.attrs.find("training_mode"); it != n.attrs.end() && std::get<int64_t>(it->second) != 0)
        throw Error("BatchNormalization '" + n.name + "': training_mode=1 is not supported (inference only)");
      if (n.numOutputs > 1)
        throw Error("BatchNormalization '" + n.name + "': training outputs (running mean/var) are not supported");
      n.attrs.erase("spatial");  // opset < 9 only; harmless default
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
