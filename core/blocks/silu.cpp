#include "core/blocks/silu.h"

#include <string>

#include "core/ops/registry.h"

namespace nc::blocks {

void recognizeSilu(Graph& g) {
  if (!findOp("SiLU")) return;
  for (NodeId sid : g.nodeIds()) {
    if (!g.contains(sid)) continue;
    const Node& s = g.node(sid);
    if (s.op != "Sigmoid" || !s.inputs[0].source) continue;
    PortRef x = *s.inputs[0].source;
    auto uses = g.consumers({sid, 0});
    if (uses.size() != 1) continue;
    const Node& m = g.node(uses[0].node);
    if (m.op != "Mul" || m.inputs.size() != 2 || !m.inputs[0].source || !m.inputs[1].source) continue;
    int other = 1 - uses[0].port;
    if (*m.inputs[size_t(other)].source != x || m.block != s.block) continue;
    Node silu = m;
    std::string stem = m.name.size() > 4 ? m.name.substr(0, m.name.size() - 4) : std::string();
    if (m.name.ends_with("_mul") && s.name == stem + "_sigmoid") silu.name = stem;
    auto downstream = g.consumers({m.id, 0});
    g.removeNode(m.id);
    g.removeNode(sid);
    NodeId tmp = g.addNode("SiLU", silu.name);  // a SiLU node as the spec sizes it
    Node fresh = g.node(tmp);
    g.removeNode(tmp);
    fresh.id = silu.id;
    fresh.name = g.uniqueName(silu.name);
    fresh.block = silu.block;
    fresh.x = silu.x;
    fresh.y = silu.y;
    fresh.inputs[0].source = x;
    g.restoreNode(fresh);
    for (PortRef d : downstream) g.connect({fresh.id, 0}, d);
  }
}

}  // namespace nc::blocks
