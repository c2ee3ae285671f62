#include "core/eval/stats.h"

#include <cstdio>

#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

namespace {

int64_t knownNumel(const TensorType* t) {
  if (!t || !t->fullyKnown()) return -1;
  int64_t n = 1;
  for (int64_t d : t->dims) n *= d;
  return n;
}

int64_t knownNumel(const std::optional<TensorType>& t) { return t ? knownNumel(&*t) : -1; }

}  // namespace

NodeStats nodeStats(const Graph& g, NodeId id, const ShapeInfo& shapes) {
  NodeStats s;
  const Node& n = g.node(id);
  const OpSpec* spec = findOp(n.op);
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const InputBinding& b = n.inputs[i];
    if (b.source || b.constant.empty() || b.constant.dtype() != DType::Float32) continue;
    const PortSpec* p = spec && !spec->inputs.empty()
                            ? &spec->inputs[std::min(i, spec->inputs.size() - 1)]
                            : nullptr;
    if (!p || !p->param || p->setting) continue;
    (p->buffer ? s.buffers : s.params) += b.constant.numel();
  }
  if (!spec || spec->pseudo) {
    s.macsKnown = true;
    return s;
  }
  int64_t out = 0;
  for (int p = 0; p < n.numOutputs; ++p) {
    int64_t e = knownNumel(shapes.type({id, p}));
    if (e < 0) return s;
    out += e;
  }
  int64_t macs = out;
  if (n.op == "Conv" || n.op == "ConvTranspose") {
    // Conv: W is [outC, inC/group, k...]; each output element takes W.numel/outC MACs.
    // ConvTranspose: W is [inC, outC/group, k...]; each input element scatters W.numel/inC.
    auto w = shapes.inputType(g, {id, 1});
    int64_t we = knownNumel(w);
    if (we < 0 || w->dims.empty() || w->dims[0] <= 0) return s;
    int64_t base = out;
    if (n.op == "ConvTranspose") {
      base = knownNumel(shapes.inputType(g, {id, 0}));
      if (base < 0) return s;
    }
    macs = base * (we / w->dims[0]);
  } else if (n.op == "MatMul" || n.op == "Gemm") {
    auto a = shapes.inputType(g, {id, 0});
    if (!a || !a->fullyKnown() || a->dims.empty()) return s;
    int64_t k = a->dims.back();
    if (n.op == "Gemm") {
      AttrReader r(*spec, nodeInfo(n));
      if (r.get("transA") && r.i("transA") && a->dims.size() >= 2) k = a->dims[a->dims.size() - 2];
    }
    macs = out * k;
  } else if (n.op == "MaxPool" || n.op == "AveragePool") {
    AttrReader r(*spec, nodeInfo(n));
    int64_t k = 1;
    if (r.get("kernel_shape"))
      for (int64_t d : r.ints("kernel_shape")) k *= d;
    macs = out * k;
  }
  s.macs = macs;
  s.macsKnown = true;
  return s;
}

GraphStats graphStats(const Graph& g, const ShapeInfo& shapes) {
  GraphStats t;
  for (NodeId id : g.nodeIds()) {
    ++t.nodes;
    NodeStats s = nodeStats(g, id, shapes);
    t.params += s.params;
    t.buffers += s.buffers;
    if (s.macsKnown)
      t.macs += s.macs;
    else
      t.macsComplete = false;
  }
  return t;
}

std::string formatCount(int64_t v) {
  char buf[32];
  double a = double(v < 0 ? -v : v);
  if (a < 1000) return std::to_string(v);
  const char* unit = "K";
  double d = 1e3;
  if (a >= 1e12)
    unit = "T", d = 1e12;
  else if (a >= 1e9)
    unit = "G", d = 1e9;
  else if (a >= 1e6)
    unit = "M", d = 1e6;
  double x = double(v) / d;
  std::snprintf(buf, sizeof buf, x >= 100 ? "%.0f%s" : x >= 10 ? "%.1f%s" : "%.2f%s", x, unit);
  return buf;
}

}  // namespace nc
