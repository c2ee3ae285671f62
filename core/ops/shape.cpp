#include "core/ops/shape.h"

#include <algorithm>

namespace nc {

namespace {

// The [start, end) range of dims Shape returns, clamped as the spec says.
std::pair<int64_t, int64_t> shapeRange(const AttrReader& a, int64_t rank) {
  auto norm = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  int64_t start = norm(a.i("start"));
  int64_t end = a.has("end") ? norm(a.i("end")) : rank;
  return {start, std::max(start, end)};
}

}  // namespace

const OpSpec& shapeOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Shape";
    s.sinceVersion = 15;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Shape";
    s.doc = "The input's dimensions as an int64 vector, optionally dims [start, end).";
    s.inputs = {in("data")};
    s.outputs = {in("shape")};
    s.attrs = {attrInt("start", 0, -64, 64, "first dim (negative counts from the end)"),
               attrInt("end", std::nullopt, -64, 64, "one past the last dim (default: rank)")};
    s.infer = [](const InferContext& ctx) {
      const auto& x = ctx.input(0);
      if (!x || !x->rankKnown) return std::vector<TensorType>{TensorType::unknown(DType::Int64)};
      auto [start, end] = shapeRange(ctx.attrs, int64_t(x->dims.size()));
      bool known = true;
      for (int64_t i = start; i < end; ++i) known = known && x->dims[size_t(i)] >= 0;
      if (known)
        ctx.setValue(0, Tensor::fromInt64({end - start}, Shape(x->dims.begin() + start, x->dims.begin() + end)));
      return std::vector<TensorType>{TensorType::of({end - start}, DType::Int64)};
    };
    s.reference = [](const AttrReader& a) {
      const int64_t start = a.i("start");
      const std::optional<int64_t> end = a.has("end") ? std::optional<int64_t>(a.i("end")) : std::nullopt;
      return makeKernel([start, end](std::span<const Tensor> in) {
        const int64_t rank = in[0].rank();
        auto norm = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
        const int64_t b = norm(start), e = std::max(b, end ? norm(*end) : rank);
        const Shape& d = in[0].shape();
        return std::vector<Tensor>{Tensor::fromInt64({e - b}, Shape(d.begin() + b, d.begin() + e))};
      });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
