#include "core/ops/constant.h"

namespace nc {

namespace {

// Canonical form: one `value` tensor. ONNX's shorthand attributes (opset 12+) are turned into
// it on import.
void importConstant(ImportedNode& n) {
  const std::string what = "Constant '" + n.name + "'";
  for (const char* unsupported : {"sparse_value", "value_string", "value_strings"})
    if (n.attrs.count(unsupported))
      throw Error(what + ": attribute '" + unsupported +
                  "' is not supported (only numeric dense values: value, "
                  "value_float(s), value_int(s))");
  int count = 0;
  for (const char* k : {"value", "value_float", "value_floats", "value_int", "value_ints"})
    count += int(n.attrs.count(k));
  if (count != 1)
    throw Error(what +
                ": exactly one of value, value_float, value_floats, value_int, value_ints must be "
                "set, got " +
                std::to_string(count));
  auto take = [&](const char* k) -> const AttrValue* {
    auto it = n.attrs.find(k);
    return it == n.attrs.end() ? nullptr : &it->second;
  };
  Tensor t;
  try {
    if (auto* v = take("value_float"))
      t = Tensor::scalar(std::get<float>(*v));
    else if (auto* v = take("value_floats")) {
      const auto& xs = std::get<std::vector<float>>(*v);
      t = Tensor::fromFloats({int64_t(xs.size())}, xs);
    } else if (auto* v = take("value_int"))
      t = Tensor::fromInt64({}, {std::get<int64_t>(*v)});
    else if (auto* v = take("value_ints")) {
      const auto& xs = std::get<std::vector<int64_t>>(*v);
      t = Tensor::fromInt64({int64_t(xs.size())}, xs);
    } else {
      return;  // `value` already
    }
  } catch (const std::bad_variant_access&) {
    throw Error(what + ": a value_* attribute has the wrong attribute type");
  }
  for (const char* k : {"value_float", "value_floats", "value_int", "value_ints"}) n.attrs.erase(k);
  n.attrs["value"] = t;
}

std::vector<TensorType> inferConstant(const InferContext& ctx) {
  const Tensor& v = ctx.attrs.tensor("value");
  return {TensorType::of(v.shape(), v.dtype())};
}

}  // namespace

const OpSpec& constantOp() {
  static const OpSpec spec = [] {
    OpSpec s;
    s.type = s.onnxType = "Constant";
    s.sinceVersion = 13;
    s.minImportOpset =
        1;  // `value` exists since opset 1; the value_* forms (opset 12+) are converted
    s.category = "Tensor";
    s.caption = "Constant";
    s.doc = "output = value (a float32 or int64 tensor)";
    s.outputs = {in("output")};
    AttrSpec value = attrTensor("value", "the tensor produced");
    value.required = true;
    s.attrs = {value};
    s.infer = inferConstant;
    s.reference = [](const AttrReader& a) {
      Tensor v = a.tensor("value");
      return makeKernel([v](std::span<const Tensor>) { return std::vector<Tensor>{v}; });
    };
    s.importOnnx = importConstant;
    return s;
  }();
  return spec;
}

}  // namespace nc
