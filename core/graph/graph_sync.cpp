#include "core/graph/graph_sync.h"

#include <set>

#include "core/base/error.h"

namespace nc {

namespace {

bool sameParams(const std::map<std::string, AttrValue>& a,
                const std::map<std::string, AttrValue>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || !attrEquals(ia->second, ib->second)) return false;
  return true;
}

bool sameComputation(const Node& a, const Node& b) {
  if (a.op != b.op || a.revision != b.revision || a.numOutputs != b.numOutputs ||
      a.inputs.size() != b.inputs.size())
    return false;
  for (size_t i = 0; i < a.inputs.size(); ++i)
    if (a.inputs[i].source != b.inputs[i].source) return false;
  return true;
}

}  // namespace

void syncGraphTo(Graph& g, const Graph& target) {
  // 1. Blocks that the target does not have go first (their contents move to the parent; the
  //    nodes' blocks are set below).
  for (BlockId id : [&] {
         std::vector<BlockId> ids;
         for (auto& [bid, b] : g.blocks())
           if (!target.containsBlock(bid)) ids.push_back(bid);
         return ids;
       }())
    g.removeBlock(id);
  // 2. Existing blocks whose name changes get a temporary unique name (names are unique).
  for (auto& [id, tb] : target.blocks()) {
    const Block* b = g.findBlock(id);
    if (b && b->name != tb.name && target.findBlockByName(b->name))
      g.setBlockName(id, g.uniqueBlockName("~sync." + std::to_string(id)));
  }
  // 3. Missing blocks, parents before children (top-level first, then their children, ...).
  std::set<BlockId> pending;
  for (auto& [id, tb] : target.blocks())
    if (!g.containsBlock(id)) pending.insert(id);
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      Block b = target.block(*it);
      if (b.parent == kNoBlock || g.containsBlock(b.parent)) {
        if (g.findBlockByName(b.name))  // held by a block renamed below
          g.setBlockName(
              g.findBlockByName(b.name)->id,
              g.uniqueBlockName("~sync." + std::to_string(g.findBlockByName(b.name)->id)));
        g.addBlock(b);
        it = pending.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (!progress) throw Error("cannot restore blocks: a parent block is missing");
  }
  // 4. Existing blocks: fields. Parents are cleared first so that re-nesting cannot form a
  //    transient cycle.
  for (auto& [id, tb] : target.blocks()) {
    const Block& b = g.block(id);
    if (b.parent != tb.parent) g.setBlockParent(id, kNoBlock);
  }
  for (auto& [id, tb] : target.blocks()) {
    const Block& b = g.block(id);
    if (b.parent != tb.parent) g.setBlockParent(id, tb.parent);
    if (b.name != tb.name) g.setBlockName(id, tb.name);
    if (b.collapsed != tb.collapsed) g.setBlockCollapsed(id, tb.collapsed);
    if (b.x != tb.x || b.y != tb.y) g.setBlockPosition(id, tb.x, tb.y);
    if (b.type != tb.type || !sameParams(b.params, tb.params))
      g.setBlockType(id, tb.type, tb.params);
  }

  // 5. Nodes: remove those missing from the target or computing differently.
  std::vector<NodeId> remove;
  for (NodeId id : g.nodeIds()) {
    const Node* t = target.findNode(id);
    if (!t || !sameComputation(g.node(id), *t)) remove.push_back(id);
  }
  for (NodeId id : remove) g.removeNode(id);
  // 6. Re-insert the target's versions (sources before consumers), then fix every connection
  //    (removals above disconnected consumers of removed nodes).
  for (NodeId id : target.topologicalOrder())
    if (!g.contains(id)) g.restoreNode(target.node(id));
  for (NodeId id : target.nodeIds()) {
    const Node& t = target.node(id);
    for (int i = 0; i < int(t.inputs.size()); ++i) {
      const auto& want = t.inputs[size_t(i)].source;
      const auto& have = g.node(id).inputs[size_t(i)].source;
      if (have == want) continue;
      if (have) g.disconnect({id, i});
      if (want) g.connect(*want, {id, i});
    }
  }
  // 7. Names (two passes through temporary names when two nodes swap), positions, blocks.
  for (NodeId id : target.nodeIds()) {
    const Node& t = target.node(id);
    const Node& n = g.node(id);
    if (n.name != t.name && g.findByName(t.name))
      g.setName(g.findByName(t.name)->id, g.uniqueName("~sync"));
    if (n.name != t.name) g.setName(id, t.name);
    if (n.x != t.x || n.y != t.y) g.setPosition(id, t.x, t.y);
    if (n.block != t.block) g.setNodeBlock(id, t.block);
  }
}

}  // namespace nc
