#include "core/layout/block_layout.h"

#include <algorithm>
#include <map>
#include <set>

namespace nc {

void layoutBlockInside(Graph& g, BlockId id, const LayoutOptions& options) {
  const Block blk = g.block(id);
  Graph tmp;
  for (NodeId nid : g.topologicalOrder()) {
    if (!g.nodeInBlock(nid, id)) continue;
    Node n = g.node(nid);
    n.block = kNoBlock;
    for (InputBinding& in : n.inputs) in.constant = Tensor();
    tmp.restoreNode(n);  // same id; drops connections from outside the block
  }
  LayoutOptions o = options;
  o.originX = blk.x;
  o.originY = blk.y;
  for (const NodePosition& p : layeredLayout(tmp, o)) g.setPosition(p.id, p.x, p.y);
  for (BlockId c : g.descendantBlocks(id)) {
    std::vector<NodeId> ns = g.blockNodes(c);
    if (ns.empty()) continue;
    double x = g.node(ns[0]).x, y = g.node(ns[0]).y;
    for (NodeId nid : ns) x = std::min(x, g.node(nid).x), y = std::min(y, g.node(nid).y);
    g.setBlockPosition(c, x, y);
  }
}

void layoutCollapsed(Graph& g, const LayoutOptions& options, double blockHeight) {
  // One proxy node per canvas item; an item is (is block, id).
  using Item = std::pair<bool, uint32_t>;
  auto itemOf = [&](NodeId n) {
    const BlockId b = g.visibleBlock(n);
    return b != kNoBlock ? Item{true, b} : Item{false, n};
  };
  std::vector<Item> items;
  std::map<Item, int> index;
  std::set<std::pair<Item, Item>> edges;
  std::map<Item, int> incoming;
  for (NodeId n : g.topologicalOrder()) {
    const Item it = itemOf(n);
    if (index.emplace(it, int(items.size())).second) items.push_back(it);
    for (const InputBinding& in : g.node(n).inputs)
      if (in.source) {
        const Item from = itemOf(in.source->node);
        if (from != it && edges.insert({from, it}).second) ++incoming[it];
      }
  }
  Graph proxy;
  std::vector<NodeId> proxyIds;
  std::map<NodeId, Item> back;
  for (const Item& it : items) {
    const std::string& op = it.first ? std::string() : g.node(it.second).op;
    const bool io = op == "Input" || (op == "Output" && incoming[it] <= 1);
    NodeId p = proxy.addNode(io ? op : "Sum");
    if (!io) proxy.setInputCount(p, std::max(1, incoming[it]));
    proxyIds.push_back(p);
    back[p] = it;
  }
  std::map<Item, int> nextPort;
  for (const auto& [from, to] : edges) {
    const PortRef src{proxyIds[size_t(index[from])], 0}, dst{proxyIds[size_t(index[to])], nextPort[to]++};
    if (!proxy.wouldCreateCycle(src, dst)) proxy.connect(src, dst);
  }
  LayoutOptions o = options;
  if (options.nodeHeight)
    o.nodeHeight = [&](NodeId p) {
      const Item& it = back.at(p);
      return it.first ? blockHeight : options.nodeHeight(it.second);
    };
  for (const NodePosition& p : layeredLayout(proxy, o)) {
    const Item& it = back.at(p.id);
    if (it.first) g.setBlockPosition(it.second, p.x, p.y);
    else g.setPosition(it.second, p.x, p.y);
  }
  LayoutOptions inside = options;
  for (const Item& it : items)
    if (it.first) layoutBlockInside(g, it.second, inside);
}

}  // namespace nc
