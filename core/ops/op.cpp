#include "core/ops/op.h"

#include <sstream>

namespace nc {

PortSpec in(std::string name, std::string doc) {
  PortSpec p;
  p.name = std::move(name);
  p.doc = std::move(doc);
  return p;
}
PortSpec param(std::string name, bool optional, std::string doc) {
  PortSpec p = in(std::move(name), std::move(doc));
  p.param = true;
  p.optional = optional;
  return p;
}
PortSpec optionalIn(std::string name, std::string doc) {
  PortSpec p = in(std::move(name), std::move(doc));
  p.optional = true;
  return p;
}
PortSpec buffer(std::string name, std::string doc) {
  PortSpec p = param(std::move(name), false, std::move(doc));
  p.buffer = true;
  return p;
}
PortSpec optionalOut(std::string name, std::string doc) { return optionalIn(std::move(name), std::move(doc)); }
PortSpec setting(std::string name, bool optional, std::string doc) {
  PortSpec p = param(std::move(name), optional, std::move(doc));
  p.setting = true;
  return p;
}
PortSpec variadicIn(std::string name, std::string doc) {
  PortSpec p = in(std::move(name), std::move(doc));
  p.variadic = true;
  return p;
}

static AttrSpec makeAttr(std::string name, AttrType type, std::optional<AttrValue> def, std::string doc) {
  AttrSpec a;
  a.name = std::move(name);
  a.type = type;
  a.defaultValue = std::move(def);
  a.doc = std::move(doc);
  return a;
}
AttrSpec attrInt(std::string name, std::optional<int64_t> def, double min, double max, std::string doc) {
  AttrSpec a = makeAttr(std::move(name), AttrType::Int, def ? std::optional<AttrValue>(*def) : std::nullopt, std::move(doc));
  a.min = min;
  a.max = max;
  return a;
}
AttrSpec attrFloat(std::string name, std::optional<float> def, double min, double max, std::string doc) {
  AttrSpec a = makeAttr(std::move(name), AttrType::Float, def ? std::optional<AttrValue>(*def) : std::nullopt, std::move(doc));
  a.min = min;
  a.max = max;
  return a;
}
AttrSpec attrString(std::string name, std::optional<std::string> def, std::vector<std::string> choices, std::string doc) {
  AttrSpec a = makeAttr(std::move(name), AttrType::String, def ? std::optional<AttrValue>(*def) : std::nullopt, std::move(doc));
  a.choices = std::move(choices);
  return a;
}
AttrSpec attrInts(std::string name, std::optional<std::vector<int64_t>> def, std::string doc) {
  return makeAttr(std::move(name), AttrType::Ints, def ? std::optional<AttrValue>(*def) : std::nullopt, std::move(doc));
}
AttrSpec attrFloats(std::string name, std::optional<std::vector<float>> def, std::string doc) {
  return makeAttr(std::move(name), AttrType::Floats, def ? std::optional<AttrValue>(*def) : std::nullopt, std::move(doc));
}
AttrSpec internalAttr(AttrSpec a) {
  a.internal = true;
  return a;
}
AttrSpec attrTensor(std::string name, std::string doc) {
  return makeAttr(std::move(name), AttrType::Tensor, std::nullopt, std::move(doc));
}

bool TensorType::fullyKnown() const {
  if (!rankKnown) return false;
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

std::string TensorType::toString() const {
  if (!rankKnown) return std::string(dtypeName(dtype)) + "[unknown rank]";
  return std::string(dtypeName(dtype)) + shapeToString(dims);
}

const AttrSpec* OpSpec::findAttr(const std::string& name) const {
  for (auto& a : attrs)
    if (a.name == name) return &a;
  return nullptr;
}

bool AttrReader::has(const std::string& name) const { return node_.attrs.count(name) != 0; }

const AttrValue* AttrReader::get(const std::string& name) const {
  if (auto it = node_.attrs.find(name); it != node_.attrs.end()) return &it->second;
  if (const AttrSpec* a = spec_.findAttr(name); a && a->defaultValue) return &*a->defaultValue;
  return nullptr;
}

const AttrValue& AttrReader::need(const std::string& name) const {
  const AttrValue* v = get(name);
  if (!v) throw Error("node '" + node_.name + "' (" + spec_.type + "): attribute '" + name + "' is required");
  return *v;
}

template <class T>
static const T& as(const AttrValue& v, const std::string& name, const NodeInfo& n) {
  if (auto* p = std::get_if<T>(&v)) return *p;
  throw Error("node '" + n.name + "': attribute '" + name + "' has type " + attrTypeName(attrTypeOf(v)));
}

int64_t AttrReader::i(const std::string& name) const { return as<int64_t>(need(name), name, node_); }
float AttrReader::f(const std::string& name) const {
  const AttrValue& v = need(name);
  if (auto* p = std::get_if<int64_t>(&v)) return float(*p);
  return as<float>(v, name, node_);
}
const std::string& AttrReader::s(const std::string& name) const { return as<std::string>(need(name), name, node_); }
std::vector<int64_t> AttrReader::ints(const std::string& name) const {
  const AttrValue* v = get(name);
  return v ? as<std::vector<int64_t>>(*v, name, node_) : std::vector<int64_t>{};
}
std::vector<float> AttrReader::floats(const std::string& name) const {
  const AttrValue* v = get(name);
  return v ? as<std::vector<float>>(*v, name, node_) : std::vector<float>{};
}
const Tensor& AttrReader::tensor(const std::string& name) const { return as<Tensor>(need(name), name, node_); }

const std::optional<TensorType>& InferContext::input(int i) const {
  static const std::optional<TensorType> none;
  return i >= 0 && i < numInputs() ? inputs_[size_t(i)] : none;
}

void InferContext::fail(const std::string& message, int input) const {
  throw ShapeError(message, input);
}

}  // namespace nc
