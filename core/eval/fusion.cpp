#include "core/eval/fusion.h"

#include <cmath>
#include <limits>
#include <optional>

#include "core/eval/shape_inference.h"
#include "core/ops/registry.h"
#include "core/ops/util/fused_activation.h"

namespace nc {

namespace {

bool constantInput(const Node& n, int port) {
  return port < int(n.inputs.size()) && !n.inputs[size_t(port)].source && !n.inputs[size_t(port)].constant.empty() &&
         n.inputs[size_t(port)].constant.dtype() == DType::Float32;
}

// A scalar input whose value is static (a node-owned constant or a value shape inference knows):
// `absent` when unbound, nullopt when it is not static or not one float.
std::optional<float> staticScalar(const Node& n, int port, const ShapeInfo& info, float absent) {
  if (port >= int(n.inputs.size())) return absent;
  const InputBinding& b = n.inputs[size_t(port)];
  const Tensor* t = nullptr;
  if (b.source) {
    auto it = info.values.find(*b.source);
    if (it != info.values.end()) t = &it->second;
  } else if (!b.constant.empty()) {
    t = &b.constant;
  } else {
    return absent;
  }
  if (!t || t->dtype() != DType::Float32 || t->numel() != 1) return std::nullopt;
  return t->f32()[0];
}

// The activation node `act` as a fused activation with its parameters; nullopt when it is not
// one that fuses (or a Clip whose bounds are not static, or with min > max).
std::optional<FusedActivation> asFusedActivation(const Node& act, const ShapeInfo& info) {
  FusedActivation f;
  f.kind = FusedActivation::kindOf(act.op);
  if (!f || act.inputs.empty() || !act.inputs[0].source) return std::nullopt;
  const OpSpec* spec = findOp(act.op);
  if (!spec) return std::nullopt;
  const AttrReader a(*spec, nodeInfo(act));
  switch (f.kind) {
    case FusedActivation::Kind::LeakyRelu: f.alpha = a.f("alpha"); break;
    case FusedActivation::Kind::HardSigmoid:
      f.alpha = a.f("alpha");
      f.beta = a.f("beta");
      break;
    case FusedActivation::Kind::Clip: {
      const float inf = std::numeric_limits<float>::infinity();
      const std::optional<float> lo = staticScalar(act, 1, info, -inf), hi = staticScalar(act, 2, info, inf);
      if (!lo || !hi || *lo > *hi) return std::nullopt;
      f.alpha = *lo;
      f.beta = *hi;
      break;
    }
    default: break;
  }
  return f;
}

void setFusedActivation(Graph& g, NodeId conv, const std::string& prefix, const FusedActivation& f) {
  g.setAttr(conv, prefix, std::string(f.opType()));
  g.setAttr(conv, prefix + "_alpha", f.alpha);
  g.setAttr(conv, prefix + "_beta", f.beta);
}

// Removes node `id`, and the Constant nodes that fed only it (a fused Clip's bounds).
void removeFused(Graph& g, NodeId id) {
  std::vector<NodeId> sources;
  for (const InputBinding& b : g.node(id).inputs)
    if (b.source) sources.push_back(b.source->node);
  g.removeNode(id);
  for (NodeId s : sources)
    if (g.contains(s) && g.node(s).op == "Constant" && g.consumers({s, 0}).empty()) g.removeNode(s);
}

// Whether shape inference would be needed: a Clip (its bounds may come from Constant nodes).
bool anyClip(const Graph& g) {
  for (NodeId id : g.nodeIds())
    if (g.node(id).op == "Clip") return true;
  return false;
}

}  // namespace

Graph foldBatchNorms(const Graph& src, FoldReport* report) {
  Graph g = src;
  int folded = 0;
  for (NodeId bnId : src.topologicalOrder()) {
    const Node& bn = g.node(bnId);
    if (bn.op != "BatchNormalization" || bn.numOutputs != 1 || !bn.inputs[0].source) continue;
    if (auto it = bn.attrs.find("training_mode"); it != bn.attrs.end() && std::get<int64_t>(it->second) != 0) continue;
    bool statsConst = true;
    for (int i = 1; i < 5; ++i) statsConst = statsConst && constantInput(bn, i);
    if (!statsConst) continue;
    const PortRef convOut = *bn.inputs[0].source;
    const Node& conv = g.node(convOut.node);
    if (conv.op != "Conv" || !constantInput(conv, 1) || g.consumers(convOut).size() != 1) continue;
    const bool hasBias = conv.inputs.size() > 2 && (conv.inputs[2].source || !conv.inputs[2].constant.empty());
    if (hasBias && !constantInput(conv, 2)) continue;
    const Tensor& w = conv.inputs[1].constant;
    const int64_t m = w.dim(0);
    const Tensor &scale = bn.inputs[1].constant, &beta = bn.inputs[2].constant, &mean = bn.inputs[3].constant,
                 &var = bn.inputs[4].constant;
    if (scale.numel() != m || beta.numel() != m || mean.numel() != m || var.numel() != m) continue;
    float eps = 1e-5f;
    if (auto it = bn.attrs.find("epsilon"); it != bn.attrs.end()) eps = std::get<float>(it->second);

    Tensor w2(DType::Float32, w.shape()), b2(DType::Float32, {m});
    const int64_t per = w.numel() / m;
    for (int64_t o = 0; o < m; ++o) {
      const double a = double(scale.f32()[o]) / std::sqrt(double(var.f32()[o]) + double(eps));
      for (int64_t k = 0; k < per; ++k) w2.f32()[o * per + k] = float(double(w.f32()[o * per + k]) * a);
      const double b = hasBias ? double(conv.inputs[2].constant.f32()[o]) : 0.0;
      b2.f32()[o] = float((b - double(mean.f32()[o])) * a + double(beta.f32()[o]));
    }
    const NodeId convId = convOut.node;
    std::vector<PortRef> downstream = g.consumers({bnId, 0});
    g.removeNode(bnId);
    g.setConstant(convId, 1, w2);
    g.setConstant(convId, 2, b2);
    for (const PortRef& d : downstream) g.connect(convOut, d);
    ++folded;
  }
  if (report) report->foldedBatchNorms = folded;
  return g;
}

Graph fuseConvActivations(const Graph& src, FoldReport* report) {
  Graph g = src;
  const ShapeInfo info = anyClip(src) ? inferShapes(src) : ShapeInfo();
  int fused = 0;
  for (NodeId actId : src.topologicalOrder()) {
    if (!g.contains(actId)) continue;  // a fused Clip's bound
    const Node& act = g.node(actId);
    const std::optional<FusedActivation> f = asFusedActivation(act, info);
    if (!f) continue;
    const PortRef convOut = *act.inputs[0].source;
    const Node& conv = g.node(convOut.node);
    if (conv.op != "Conv" || conv.attrs.count("activation") || conv.inputs.size() > 3 ||
        g.consumers(convOut).size() != 1)
      continue;
    std::vector<PortRef> downstream = g.consumers({actId, 0});
    removeFused(g, actId);
    setFusedActivation(g, convOut.node, "activation", *f);
    for (const PortRef& d : downstream) g.connect(convOut, d);
    ++fused;
  }
  if (report) report->fusedActivations = fused;
  return g;
}

Graph fuseResidualAdds(const Graph& src, FoldReport* report) {
  Graph g = src;
  // Types of the original ports: the rewrite keeps every Conv's id and output type.
  const ShapeInfo info = inferShapes(src);
  int adds = 0, activations = 0;
  for (NodeId addId : src.topologicalOrder()) {
    if (!g.contains(addId)) continue;  // a fused activation or its bound
    const Node& add = g.node(addId);
    if (add.op != "Add" || add.inputs.size() != 2 || !add.inputs[0].source || !add.inputs[1].source) continue;
    for (int side = 0; side < 2; ++side) {
      const PortRef convOut = *add.inputs[size_t(side)].source, other = *add.inputs[size_t(1 - side)].source;
      const Node& conv = g.node(convOut.node);
      if (conv.op != "Conv" || conv.inputs.size() > 3 || other.node == convOut.node ||
          g.consumers(convOut).size() != 1)
        continue;
      // The other value has the Conv's shape (no broadcasting); it cannot depend on the Conv,
      // whose only consumer is this Add.
      const TensorType *convType = info.type(convOut), *otherType = info.type(other);
      if (!convType || !otherType || !convType->fullyKnown() || *convType != *otherType ||
          convType->dtype != DType::Float32)
        continue;
      // An activation that is the Add's only consumer goes along.
      std::optional<FusedActivation> act;
      std::vector<PortRef> uses = g.consumers({addId, 0});
      if (uses.size() == 1 && uses[0].port == 0) act = asFusedActivation(g.node(uses[0].node), info);
      const PortRef last = act ? PortRef{uses[0].node, 0} : PortRef{addId, 0};
      const std::vector<PortRef> downstream = g.consumers(last);
      if (act) removeFused(g, last.node);
      g.removeNode(addId);
      // The residual becomes the Conv's extra input 3, which the op's spec does not list (only
      // fused nodes have it), so the node is rebuilt with it.
      Node fusedConv = g.node(convOut.node);
      g.removeNode(convOut.node);
      fusedConv.inputs.resize(4);
      fusedConv.inputs[3] = InputBinding{other, Tensor()};
      g.restoreNode(fusedConv);
      g.setAttr(convOut.node, "residual_input", int64_t(1 - side));
      if (act) setFusedActivation(g, convOut.node, "residual_activation", *act);
      for (const PortRef& d : downstream) g.connect(convOut, d);
      ++adds;
      activations += act ? 1 : 0;
      break;
    }
  }
  if (report) {
    report->fusedResidualAdds = adds;
    report->fusedActivations = activations;
  }
  return g;
}

Graph optimizeForInference(const Graph& g, FoldReport* report) {
  FoldReport a, b, c;
  Graph out = fuseResidualAdds(fuseConvActivations(foldBatchNorms(g, &a), &b), &c);
  if (report) *report = {a.foldedBatchNorms, b.fusedActivations + c.fusedActivations, c.fusedResidualAdds};
  return out;
}

}  // namespace nc
