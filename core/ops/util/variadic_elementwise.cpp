#include "core/ops/util/variadic_elementwise.h"

#include "core/ops/util/shape_util.h"
#include "core/ops/util/tensor_util.h"

namespace nc {

namespace {

class VariadicKernel : public Kernel {
 public:
  VariadicKernel(bool mean, bool fast) : mean_(mean), fast_(fast) {}

  std::vector<Tensor> compute(std::span<const Tensor> in) const override {
    Shape out;
    int count = 0;
    for (const Tensor& t : in) {
      if (t.empty()) continue;
      out = count++ ? broadcastShapes(out, t.shape()) : t.shape();
    }
    if (count == 0) throw Error("no inputs");
    Tensor y(DType::Float32, out);
    float* py = y.f32();
    const int64_t n = y.numel();
    if (!fast_) {
      // The reference: each output element summed in double over its broadcast sources.
      std::vector<double> acc(size_t(n), 0.0);
      for (const Tensor& t : in) {
        if (t.empty()) continue;
        Tensor b = broadcastTo(t, out);
        const float* pb = b.f32();
        for (int64_t i = 0; i < n; ++i) acc[size_t(i)] += pb[i];
      }
      for (int64_t i = 0; i < n; ++i)
        py[i] = float(mean_ ? acc[size_t(i)] / count : acc[size_t(i)]);
      return {y};
    }
    // Inputs that already have the output shape are read in place.
    bool first = true;
    for (const Tensor& t : in) {
      if (t.empty()) continue;
      Tensor b = t.shape() == out ? t : broadcastTo(t, out);
      const float* pb = b.f32();
      if (first)
        std::copy(pb, pb + n, py);
      else
        for (int64_t i = 0; i < n; ++i) py[i] += pb[i];
      first = false;
    }
    if (mean_) {
      const float inv = 1.0f / float(count);
      for (int64_t i = 0; i < n; ++i) py[i] *= inv;
    }
    return {y};
  }

 private:
  bool mean_, fast_;
};

}  // namespace

OpSpec variadicElementwiseSpec(std::string type, std::string doc, bool mean) {
  OpSpec s;
  s.type = s.onnxType = type;
  s.sinceVersion = 13;
  s.minImportOpset = 8;  // multidirectional broadcasting since opset 8
  s.category = "Arithmetic";
  s.caption = type;
  s.doc = std::move(doc);
  s.inputs = {variadicIn("data_0", "one or more tensors, broadcast together")};
  s.outputs = {in(mean ? "mean" : "sum")};
  s.infer = [](const InferContext& ctx) {
    for (int i = 0; i < ctx.numInputs(); ++i)
      if (!ctx.hasInput(i)) return std::vector<TensorType>{TensorType::unknown()};
    return std::vector<TensorType>{broadcastTypes(ctx)};
  };
  s.reference = [mean](const AttrReader&) { return std::make_unique<VariadicKernel>(mean, false); };
  s.fast = [mean](const AttrReader&) { return std::make_unique<VariadicKernel>(mean, true); };
  s.blocked = BlockedForm::Pointwise;
  return s;
}

}  // namespace nc
