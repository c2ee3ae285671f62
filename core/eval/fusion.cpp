#include "core/eval/fusion.h"

#include <cmath>

namespace nc {

namespace {

bool constantInput(const Node& n, int port) {
  return port < int(n.inputs.size()) && !n.inputs[size_t(port)].source && !n.inputs[size_t(port)].constant.empty() &&
         n.inputs[size_t(port)].constant.dtype() == DType::Float32;
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
  int fused = 0;
  for (NodeId actId : src.topologicalOrder()) {
    const Node& act = g.node(actId);
    if ((act.op != "SiLU" && act.op != "Relu" && act.op != "Sigmoid") || !act.inputs[0].source) continue;
    const PortRef convOut = *act.inputs[0].source;
    const Node& conv = g.node(convOut.node);
    if (conv.op != "Conv" || conv.attrs.count("activation") || g.consumers(convOut).size() != 1) continue;
    const std::string kind = act.op;
    std::vector<PortRef> downstream = g.consumers({actId, 0});
    g.removeNode(actId);
    g.setAttr(convOut.node, "activation", kind);
    for (const PortRef& d : downstream) g.connect(convOut, d);
    ++fused;
  }
  if (report) report->fusedActivations = fused;
  return g;
}

Graph optimizeForInference(const Graph& g, FoldReport* report) {
  FoldReport a, b;
  Graph out = fuseConvActivations(foldBatchNorms(g, &a), &b);
  if (report) *report = {a.foldedBatchNorms, b.fusedActivations};
  return out;
}

}  // namespace nc
