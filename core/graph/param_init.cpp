#include "core/graph/param_init.h"

#include <algorithm>
#include <cctype>

namespace nc {

namespace {

bool isPerChannelNorm(const std::string& op) {
  return op == "BatchNormalization" || op == "InstanceNormalization";
}

int64_t intAttr(const OpSpec& spec, const Node& node, const std::string& name, int64_t fallback) {
  const AttrValue* v = AttrReader(spec, nodeInfo(node)).get(name);
  return v && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : fallback;
}

int portIndex(const OpSpec& spec, const std::string& name) {
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    if (spec.inputs[i].name == name) return int(i);
  return -1;
}

const Tensor* constantOf(const Node& node, int port) {
  if (port < 0 || port >= int(node.inputs.size())) return nullptr;
  const auto& b = node.inputs[size_t(port)];
  return !b.source && !b.constant.empty() ? &b.constant : nullptr;
}

}  // namespace

bool isConvLike(const std::string& op) { return op == "Conv" || op == "ConvTranspose"; }

int64_t currentOutChannels(const OpSpec& spec, const Node& node) {
  if (!isConvLike(spec.type)) return 0;
  const Tensor* w = constantOf(node, portIndex(spec, "W"));
  if (!w || w->rank() < 2) return 0;
  return spec.type == "Conv" ? w->dim(0)
                             : w->dim(1) * std::max<int64_t>(1, intAttr(spec, node, "group", 1));
}

std::optional<Shape> suggestParamShape(const OpSpec& spec, const Node& node, int port,
                                       const std::vector<std::optional<TensorType>>& inputTypes,
                                       int64_t outChannels) {
  if (port < 0 || port >= int(spec.inputs.size())) return std::nullopt;
  const std::string& pname = spec.inputs[size_t(port)].name;
  const Tensor* existing = constantOf(node, port);
  const TensorType* x = !inputTypes.empty() && inputTypes[0] ? &*inputTypes[0] : nullptr;
  auto xdim = [&](size_t i) -> int64_t {
    return x && x->rankKnown && i < x->dims.size() ? x->dims[i] : -1;
  };
  auto keep = [&]() -> std::optional<Shape> {
    if (existing) return existing->shape();
    return std::nullopt;
  };

  if (isConvLike(spec.type) && (pname == "W" || pname == "B")) {
    const int64_t group = std::max<int64_t>(1, intAttr(spec, node, "group", 1));
    const int64_t inC = xdim(1);
    int64_t outC = outChannels > 0 ? outChannels : currentOutChannels(spec, node);
    if (outC <= 0) outC = inC > 0 ? inC : 16;
    if (pname == "B") return Shape{outC};
    if (inC < 0) return keep();
    std::vector<int64_t> kernel;
    if (auto it = node.attrs.find("kernel_shape");
        it != node.attrs.end() && std::holds_alternative<std::vector<int64_t>>(it->second))
      kernel = std::get<std::vector<int64_t>>(it->second);
    else
      kernel.assign(x && x->rankKnown && x->dims.size() > 2 ? x->dims.size() - 2 : 2, 3);
    Shape s = spec.type == "Conv" ? Shape{outC, inC / group} : Shape{inC, outC / group};
    s.insert(s.end(), kernel.begin(), kernel.end());
    return s;
  }
  if (isPerChannelNorm(spec.type) && port > 0) {
    const int64_t c = xdim(1);
    if (c >= 0) return Shape{c};
  }
  return keep();
}

InitScheme defaultInitScheme(const OpSpec& spec, int port, const std::optional<Shape>& shape) {
  std::string name =
      port >= 0 && port < int(spec.inputs.size()) ? spec.inputs[size_t(port)].name : "";
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (name == "scale" || name.find("var") != std::string::npos) return InitScheme::Ones;
  if (name == "b" || name.find("bias") != std::string::npos ||
      name.find("mean") != std::string::npos)
    return InitScheme::Zeros;
  if (shape && shape->size() >= 2) return InitScheme::KaimingNormal;
  return InitScheme::Zeros;
}

uint64_t defaultInitSeed(NodeId node, int port) { return uint64_t(node) * 16 + uint64_t(port); }

}  // namespace nc
