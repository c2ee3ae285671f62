#include "core/ops/gather.h"

#include <cstring>

#include "core/ops/util/shape_util.h"

namespace nc {

const OpSpec& gatherOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Gather";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Gather";
    s.doc = "out = data indexed by `indices` along `axis`; shape data[:axis] + indices + data[axis+1:]";
    s.inputs = {in("data"), in("indices")};
    s.outputs = {in("output")};
    s.attrs = {attrInt("axis", 0, -64, 64, "axis of data to gather along")};
    s.infer = [](const InferContext& ctx) {
      const auto& data = ctx.input(0);
      const auto& idx = ctx.input(1);
      DType dt = data ? data->dtype : DType::Float32;
      if (!data || !idx || !data->rankKnown || !idx->rankKnown) return std::vector<TensorType>{TensorType::unknown(dt)};
      if (idx->dtype != DType::Int64) ctx.fail("input 'indices' must be int64, got " + idx->toString(), 1);
      const int r = int(data->dims.size());
      if (r == 0) ctx.fail("input 'data' must have rank >= 1, got a scalar", 0);
      int axis = 0;
      try {
        axis = normalizeAxis(ctx.attrs.i("axis"), r);
      } catch (const ShapeError& e) {
        ctx.fail(std::string(e.what()) + " (data shape " + shapeToString(data->dims) + ")", 0);
      }
      Shape out(data->dims.begin(), data->dims.begin() + axis);
      out.insert(out.end(), idx->dims.begin(), idx->dims.end());
      out.insert(out.end(), data->dims.begin() + axis + 1, data->dims.end());
      return std::vector<TensorType>{TensorType::of(out, dt)};
    };
    s.reference = [](const AttrReader& a) {
      const int64_t axisAttr = a.i("axis");
      return makeKernel([axisAttr](std::span<const Tensor> in) {
        const Tensor& data = in[0];
        const Tensor& idx = in[1];
        const int axis = normalizeAxis(axisAttr, data.rank());
        const int64_t n = data.dim(axis);
        int64_t outer = 1, inner = 1;
        for (int i = 0; i < axis; ++i) outer *= data.dim(i);
        for (int i = axis + 1; i < data.rank(); ++i) inner *= data.dim(i);
        Shape os(data.shape().begin(), data.shape().begin() + axis);
        os.insert(os.end(), idx.shape().begin(), idx.shape().end());
        os.insert(os.end(), data.shape().begin() + axis + 1, data.shape().end());
        Tensor out(data.dtype(), os);
        const size_t es = dtypeSize(data.dtype());
        const auto* src = static_cast<const char*>(data.raw());
        auto* dst = static_cast<char*>(out.raw());
        const std::vector<int64_t> ix = idx.toInt64Vector();
        for (int64_t o = 0; o < outer; ++o)
          for (size_t k = 0; k < ix.size(); ++k) {
            int64_t j = ix[k] < 0 ? ix[k] + n : ix[k];
            if (j < 0 || j >= n)
              throw Error("index " + std::to_string(ix[k]) + " is out of range for axis " + std::to_string(axis) +
                          " of size " + std::to_string(n));
            std::memcpy(dst + ((o * int64_t(ix.size()) + int64_t(k)) * inner) * int64_t(es),
                        src + ((o * n + j) * inner) * int64_t(es), size_t(inner) * es);
          }
        return std::vector<Tensor>{out};
      });
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
