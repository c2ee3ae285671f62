#include "core/ops/softmax.h"

#include <cmath>

#include "core/ops/shape_util.h"

namespace nc {

namespace {

std::vector<TensorType> inferSoftmax(const InferContext& ctx) {
  const auto& x = ctx.input(0);
  if (!x) return {TensorType::unknown()};
  if (x->rankKnown) {
    if (x->dims.empty()) ctx.fail("input 'input' must have rank >= 1, got a scalar", 0);
    try {
      normalizeAxis(ctx.attrs.i("axis"), int(x->dims.size()));
    } catch (const ShapeError& e) {
      ctx.fail(std::string(e.what()) + " (input shape " + shapeToString(x->dims) + ")", 0);
    }
  }
  return {*x};
}

// One kernel for both paths: the reference accumulates the sum in double; the fast path keeps
// float and walks the axis with unit stride when it is the last one.
class SoftmaxKernel : public Kernel {
 public:
  SoftmaxKernel(const AttrReader& a, bool fast) : axis_(a.i("axis")), fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    if (x.rank() == 0) throw Error("Softmax needs an input of rank >= 1");
    const int axis = normalizeAxis(axis_, x.rank());
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= x.dim(i);
    for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
    const int64_t n = x.dim(axis);
    Tensor y(DType::Float32, x.shape());
    const float* px = x.f32();
    float* py = y.f32();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const float* xs = px + o * n * inner + j;
        float* ys = py + o * n * inner + j;
        if (fast_ && inner == 1)
          row(xs, ys, n);
        else
          strided(xs, ys, n, inner);
      }
    return {y};
  }

 private:
  static void row(const float* x, float* y, int64_t n) {
    float mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, x[i]);
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += (y[i] = std::exp(x[i] - mx));
    const float inv = 1.0f / sum;
    for (int64_t i = 0; i < n; ++i) y[i] *= inv;
  }
  static void strided(const float* x, float* y, int64_t n, int64_t st) {
    float mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, x[i * st]);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(double(x[i * st]) - double(mx));
    for (int64_t i = 0; i < n; ++i)
      y[i * st] = float(std::exp(double(x[i * st]) - double(mx)) / sum);
  }

  int64_t axis_;
  bool fast_;
};

}  // namespace

const OpSpec& softmaxOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Softmax";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Activation";
    s.caption = "Softmax";
    s.doc = "Y = exp(X - max) / sum(exp(X - max)) along `axis` (numerically stable)";
    s.inputs = {in("input")};
    s.outputs = {in("output")};
    s.attrs = {
        attrInt("axis", -1, -64, 63, "the axis normalised over; negative counts from the back")};
    s.infer = inferSoftmax;
    s.reference = [](const AttrReader& a) { return std::make_unique<SoftmaxKernel>(a, false); };
    s.fast = [](const AttrReader& a) { return std::make_unique<SoftmaxKernel>(a, true); };
    s.importOnnx = [](ImportedNode& n) {
      if (n.opset >= 13) return;
      // Before opset 13, Softmax flattened the input to 2-D at `axis` (default 1) and normalised
      // over everything from `axis` on. That equals the opset 13 form only for the last axis.
      int64_t axis = 1;
      if (auto it = n.attrs.find("axis"); it != n.attrs.end()) axis = std::get<int64_t>(it->second);
      if (axis != -1)
        throw Error(
            "Softmax '" + n.name + "' at opset " + std::to_string(n.opset) +
            " with axis=" + std::to_string(axis) +
            " uses the pre-13 semantics (input coerced to 2-D, normalised over all axes from "
            "`axis` on), which NetCanvas supports only for axis=-1; re-export the model at "
            "opset 13 or later");
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
