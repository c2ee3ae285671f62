#include "core/ops/constant.h"

namespace nc {

const OpSpec& constantOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Constant";
    s.sinceVersion = 13;
    s.minImportOpset = 1;
    s.category = "Tensor";
    s.caption = "Constant";
    s.doc = "output = value";
    s.outputs = {in("output")};
    s.attrs = {attrTensor("value", "the tensor this node outputs")};
    s.infer = [](const InferContext& ctx) {
      const AttrValue* v = ctx.attrs.get("value");
      if (!v || !std::holds_alternative<Tensor>(*v))
        return std::vector<TensorType>{TensorType::unknown()};
      const Tensor& t = std::get<Tensor>(*v);
      return std::vector<TensorType>{TensorType::of(t.shape(), t.dtype())};
    };
    s.reference = [](const AttrReader& a) {
      if (!a.has("value")) throw Error("Constant '" + a.node().name + "' has no value");
      Tensor value = a.tensor("value");
      return makeKernel([value](std::span<const Tensor>) { return std::vector<Tensor>{value}; });
    };
    // value_float(s) / value_int(s) (opset 12+) become the equivalent 'value' tensor.
    s.importOnnx = [](ImportedNode& n) {
      auto take = [&](const char* key, auto make) {
        auto it = n.attrs.find(key);
        if (it == n.attrs.end()) return;
        n.attrs["value"] = make(it->second);
        n.attrs.erase(key);
      };
      take("value_float", [](const AttrValue& v) { return Tensor::scalar(std::get<float>(v)); });
      take("value_int",
           [](const AttrValue& v) { return Tensor::fromInt64({}, {std::get<int64_t>(v)}); });
      take("value_floats", [](const AttrValue& v) {
        const auto& f = std::get<std::vector<float>>(v);
        return Tensor::fromFloats({int64_t(f.size())}, f);
      });
      take("value_ints", [](const AttrValue& v) {
        const auto& i = std::get<std::vector<int64_t>>(v);
        return Tensor::fromInt64({int64_t(i.size())}, i);
      });
      for (auto& [k, v] : n.attrs)
        if (k != "value")
          throw Error("Constant '" + n.name + "': attribute '" + k + "' is not supported");
      if (!n.attrs.count("value")) throw Error("Constant '" + n.name + "' has no value");
    };
    return s;
  }();
  return spec;
}

}  // namespace nc
