#include "core/eval/shape_inference.h"

#include "core/ops/registry.h"

namespace nc {

const TensorType* ShapeInfo::type(PortRef p) const {
  auto it = types.find(p);
  return it == types.end() ? nullptr : &it->second;
}

const Diagnostic* ShapeInfo::diagnosticFor(NodeId n) const {
  for (auto& d : diagnostics)
    if (d.node == n) return &d;
  return nullptr;
}

std::optional<TensorType> ShapeInfo::inputType(const Graph& g, PortRef input) const {
  const Node& n = g.node(input.node);
  const InputBinding& b = n.inputs.at(size_t(input.port));
  if (b.source) {
    const TensorType* t = type(*b.source);
    return t ? *t : TensorType::unknown();
  }
  if (!b.constant.empty()) return TensorType::of(b.constant.shape(), b.constant.dtype());
  return std::nullopt;
}

namespace {

// Constant propagation: a node whose bound inputs are all statically known and small is run
// through its reference kernel at inference time (Shape -> Gather -> Div -> Slice chains that
// PyTorch's exporter writes for chunk(), Constant nodes, ...).
constexpr int64_t kMaxFoldElements = 1 << 16;

void foldConstants(ShapeInfo& info, const OpSpec& spec, const Node& n, const std::vector<Tensor>& inputs) {
  int64_t total = 0;
  bool anyBound = false;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const InputBinding& b = n.inputs[i];
    bool bound = b.source || !b.constant.empty();
    if (bound && inputs[i].empty()) return;  // an input that is not static
    if (bound) anyBound = true, total += inputs[i].numel();
  }
  if (!anyBound && n.op != "Constant") return;
  if (total > kMaxFoldElements) return;
  try {
    AttrReader reader(spec, nodeInfo(n));
    std::vector<Tensor> outs = spec.reference(reader)->compute(inputs);
    for (int p = 0; p < int(outs.size()) && p < n.numOutputs; ++p)
      if (!outs[size_t(p)].empty() && outs[size_t(p)].numel() <= kMaxFoldElements) info.values[{n.id, p}] = outs[size_t(p)];
  } catch (const std::exception&) {
    // Folding is an optimisation of inference: a kernel error shows up at evaluation instead.
  }
}

}  // namespace

ShapeInfo inferShapes(const Graph& g) {
  ShapeInfo info;
  for (NodeId id : g.topologicalOrder()) {
    const Node& n = g.node(id);
    const OpSpec* spec = findOp(n.op);
    if (!spec) {
      info.diagnostics.push_back({id, -1, "node '" + n.name + "': unknown op type '" + n.op + "'"});
      continue;
    }
    std::vector<std::optional<TensorType>> ins;
    std::vector<const Tensor*> vals;
    std::vector<Tensor> inputValues;  // copies for folding (vals may point into info.values)
    for (int i = 0; i < int(n.inputs.size()); ++i) {
      ins.push_back(info.inputType(g, {id, i}));
      const InputBinding& b = n.inputs[size_t(i)];
      const Tensor* v = nullptr;
      if (b.source) {
        auto it = info.values.find(*b.source);
        if (it != info.values.end()) v = &it->second;
      } else if (!b.constant.empty()) {
        v = &b.constant;
      }
      vals.push_back(v);
      inputValues.push_back(v ? *v : Tensor());
    }
    InferContext ctx(*spec, nodeInfo(n), std::move(ins), std::move(vals));
    try {
      // Required inputs that are unbound leave the outputs unknown (half-built graph).
      std::vector<TensorType> outs = spec->infer ? spec->infer(ctx)
                                                 : std::vector<TensorType>(size_t(n.numOutputs), TensorType::unknown());
      for (int p = 0; p < n.numOutputs && p < int(outs.size()); ++p) info.types[{id, p}] = outs[size_t(p)];
      for (auto& [p, v] : ctx.publishedValues()) info.values[{id, p}] = v;
      if (ctx.publishedValues().empty() && !spec->pseudo) foldConstants(info, *spec, n, inputValues);
    } catch (const ShapeError& e) {
      info.diagnostics.push_back({id, e.input(), "node '" + n.name + "' (" + n.op + "): " + e.what()});
    } catch (const Error& e) {
      info.diagnostics.push_back({id, -1, "node '" + n.name + "' (" + n.op + "): " + e.what()});
    }
  }
  return info;
}

}  // namespace nc
