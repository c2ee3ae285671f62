#include "core/ops/util/int_inputs.h"

#include <set>

#include "core/ops/util/shape_util.h"

namespace nc {

std::optional<std::vector<int64_t>> staticInts(const InferContext& ctx, int i) {
  const Tensor* v = ctx.value(i);
  if (!v || v->empty()) return std::nullopt;
  if (v->dtype() != DType::Int64)
    ctx.fail("input " + std::to_string(i) + " must be int64, got " + dtypeName(v->dtype()), i);
  if (v->rank() > 1)
    ctx.fail("input " + std::to_string(i) + " must be 1-D, got shape " + shapeToString(v->shape()),
             i);
  return v->toInt64Vector();
}

std::optional<std::vector<int64_t>> staticIntsOrAttr(const InferContext& ctx, int i,
                                                     const std::string& attr, bool* dynamic) {
  if (dynamic) *dynamic = false;
  if (ctx.hasInput(i)) {
    if (ctx.attrs.has(attr))
      ctx.fail("'" + attr + "' is given both as an input and as an attribute; use one", i);
    auto v = staticInts(ctx, i);
    if (!v && dynamic) *dynamic = true;
    return v;
  }
  if (ctx.attrs.has(attr)) return ctx.attrs.ints(attr);
  return std::nullopt;
}

std::optional<std::vector<int64_t>> runtimeInts(std::span<const Tensor> in, int i,
                                                const char* what) {
  if (size_t(i) >= in.size() || in[size_t(i)].empty()) return std::nullopt;
  const Tensor& t = in[size_t(i)];
  if (t.dtype() != DType::Int64)
    throw Error(std::string("input '") + what + "' must be int64, got float32");
  if (t.rank() > 1)
    throw Error(std::string("input '") + what + "' must be 1-D, got shape " +
                shapeToString(t.shape()));
  return t.toInt64Vector();
}

TensorType unknownDims(int rank, DType t) { return TensorType::of(Shape(size_t(rank), -1), t); }

std::vector<int> normalizeAxes(const std::vector<int64_t>& axes, int rank,
                               const std::string& what) {
  std::vector<int> out;
  std::set<int> seen;
  for (int64_t a : axes) {
    int n = normalizeAxis(a, rank, "axis");
    if (!seen.insert(n).second)
      throw ShapeError(what + " contain axis " + std::to_string(a) + " more than once");
    out.push_back(n);
  }
  return out;
}

std::string exportIntsInput(ExportContext& ctx, const AttrReader& a, int port,
                            const std::string& attr) {
  std::string name = port < ctx.numInputs() ? ctx.input(port) : std::string();
  if (!name.empty() || !a.has(attr)) return name;
  std::vector<int64_t> v = a.ints(attr);
  name = ctx.tempName(attr);
  ctx.addInitializer(name, Tensor::fromInt64({int64_t(v.size())}, v));
  return name;
}

std::optional<std::vector<int64_t>> exportStaticInts(const AttrReader& a, int port,
                                                     const std::string& attr,
                                                     const std::string& why) {
  const NodeInfo& n = a.node();
  if (size_t(port) < n.inputs.size()) {
    const NodeInfo::Input& b = n.inputs[size_t(port)];
    if (b.connected)
      throw Error("node '" + n.name + "' (" + n.op + "): its '" + attr +
                  "' input is connected, not a constant; " + why);
    if (!b.constant->empty()) return b.constant->toInt64Vector();
  }
  if (a.has(attr)) return a.ints(attr);
  return std::nullopt;
}

}  // namespace nc
