#include "core/ops/util/variadic_elementwise.h"

#include "core/ops/util/parallel.h"
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
    // Inputs that already have the output shape are read in place; each thread sums its range
    // of every input.
    std::vector<Tensor> sources;
    for (const Tensor& t : in)
      if (!t.empty()) sources.push_back(t.shape() == out ? t : broadcastTo(t, out));
    const float scale = mean_ ? 1.0f / float(count) : 1.0f;
    parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) {
      const float* first = sources[0].f32();
      std::copy(first + begin, first + end, py + begin);
      for (size_t s = 1; s < sources.size(); ++s) {
        const float* pb = sources[s].f32();
        for (int64_t i = begin; i < end; ++i) py[i] += pb[i];
      }
      if (mean_)
        for (int64_t i = begin; i < end; ++i) py[i] *= scale;
    });
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
