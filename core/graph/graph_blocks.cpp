// Graph: composite-block metadata (see Block in graph.h). Blocks never change computation, so
// none of these edits touch node revisions.
#include <algorithm>

#include "core/base/error.h"
#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

Block& Graph::mutBlock(BlockId id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) throw Error("no block with id " + std::to_string(id));
  return it->second;
}

const Block& Graph::block(BlockId id) const {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) throw Error("no block with id " + std::to_string(id));
  return it->second;
}

const Block* Graph::findBlock(BlockId id) const {
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second;
}

const Block* Graph::findBlockByName(const std::string& name) const {
  for (auto& [id, b] : blocks_)
    if (b.name == name) return &b;
  return nullptr;
}

std::string Graph::uniqueBlockName(const std::string& base) const {
  std::string stem = base.empty() ? "block" : base;
  if (!findBlockByName(stem)) return stem;
  for (int i = 1;; ++i) {
    std::string c = stem + "_" + std::to_string(i);
    if (!findBlockByName(c)) return c;
  }
}

BlockId Graph::addBlock(Block b) {
  if (b.parent != kNoBlock && !blocks_.count(b.parent))
    throw Error("block '" + b.name + "': no parent block with id " + std::to_string(b.parent));
  if (b.id == kNoBlock || blocks_.count(b.id)) b.id = nextBlockId_;
  if (b.id == b.parent) throw Error("block '" + b.name + "' cannot be its own parent");
  nextBlockId_ = std::max(nextBlockId_, b.id + 1);
  b.name = uniqueBlockName(b.name);
  BlockId id = b.id;
  blocks_.emplace(id, std::move(b));
  notifyBlock(id);
  return id;
}

void Graph::removeBlock(BlockId id) {
  Block b = block(id);
  for (auto& [nid, n] : nodes_)
    if (n.block == id) n.block = b.parent;
  for (auto& [cid, c] : blocks_)
    if (c.parent == id) c.parent = b.parent;
  blocks_.erase(id);
  notifyBlock(id);
  if (b.parent != kNoBlock) notifyBlock(b.parent);
}

void Graph::setNodeBlock(NodeId node, BlockId blk) {
  Node& n = mut(node);
  if (blk != kNoBlock && !blocks_.count(blk)) throw Error("no block with id " + std::to_string(blk));
  if (n.block == blk) return;
  BlockId old = n.block;
  n.block = blk;
  if (old != kNoBlock) notifyBlock(old);
  if (blk != kNoBlock) notifyBlock(blk);
}

bool Graph::blockInBlock(BlockId inner, BlockId outer) const {
  if (outer == kNoBlock) return true;
  for (BlockId b = inner; b != kNoBlock;) {
    if (b == outer) return true;
    const Block* p = findBlock(b);
    b = p ? p->parent : kNoBlock;
  }
  return false;
}

void Graph::setBlockParent(BlockId id, BlockId parent) {
  Block& b = mutBlock(id);
  if (parent != kNoBlock && !blocks_.count(parent)) throw Error("no block with id " + std::to_string(parent));
  if (parent != kNoBlock && blockInBlock(parent, id))
    throw Error("block '" + b.name + "' cannot be placed inside itself");
  if (b.parent == parent) return;
  b.parent = parent;
  notifyBlock(id);
}

void Graph::setBlockName(BlockId id, const std::string& name) {
  Block& b = mutBlock(id);
  if (name == b.name) return;
  if (name.empty()) throw Error("a block name cannot be empty");
  if (findBlockByName(name)) throw Error("a block named '" + name + "' already exists");
  b.name = name;
  notifyBlock(id);
}

void Graph::setBlockCollapsed(BlockId id, bool collapsed) {
  Block& b = mutBlock(id);
  if (b.collapsed == collapsed) return;
  b.collapsed = collapsed;
  notifyBlock(id);
}

void Graph::setBlockPosition(BlockId id, double x, double y) {
  Block& b = mutBlock(id);
  b.x = x;
  b.y = y;
  notifyBlock(id);
}

void Graph::setBlockType(BlockId id, const std::string& type, std::map<std::string, AttrValue> params) {
  Block& b = mutBlock(id);
  b.type = type;
  b.params = std::move(params);
  notifyBlock(id);
}

std::vector<BlockId> Graph::childBlocks(BlockId id) const {
  std::vector<BlockId> r;
  for (auto& [cid, c] : blocks_)
    if (c.parent == id) r.push_back(cid);
  return r;
}

bool Graph::nodeInBlock(NodeId node, BlockId blk) const {
  const Node* n = findNode(node);
  return n && n->block != kNoBlock && blockInBlock(n->block, blk);
}

std::vector<NodeId> Graph::blockNodes(BlockId id, bool recursive) const {
  std::vector<NodeId> r;
  for (auto& [nid, n] : nodes_)
    if (recursive ? nodeInBlock(nid, id) : n.block == id) r.push_back(nid);
  return r;
}

BlockId Graph::visibleBlock(NodeId node) const {
  const Node* n = findNode(node);
  BlockId visible = kNoBlock;
  for (BlockId b = n ? n->block : kNoBlock; b != kNoBlock;) {
    const Block* blk = findBlock(b);
    if (!blk) break;
    if (blk->collapsed) visible = b;
    b = blk->parent;
  }
  return visible;
}

BlockPorts Graph::blockPorts(BlockId id) const {
  BlockPorts ports;
  std::vector<NodeId> inside = blockNodes(id);
  std::map<PortRef, size_t> bySource;
  for (NodeId nid : inside) {
    const Node& n = node(nid);
    const OpSpec* spec = findOp(n.op);
    for (int i = 0; i < int(n.inputs.size()); ++i) {
      const InputBinding& in = n.inputs[size_t(i)];
      if (in.source) {
        if (nodeInBlock(in.source->node, id)) continue;
        auto [it, fresh] = bySource.emplace(*in.source, ports.inputs.size());
        if (fresh) ports.inputs.push_back({*in.source, {}});
        ports.inputs[it->second].targets.push_back({nid, i});
        continue;
      }
      // Unbound data inputs are ports too; weights (param ports) and optional inputs are not.
      if (!in.constant.empty() || !spec) continue;
      const PortSpec* ps = i < int(spec->inputs.size()) ? &spec->inputs[size_t(i)]
                                                         : (spec->inputs.empty() ? nullptr : &spec->inputs.back());
      if (!ps || ps->optional || ps->param) continue;
      ports.inputs.push_back({std::nullopt, {{nid, i}}});
    }
  }
  std::vector<PortRef> sinks;
  for (NodeId nid : inside) {
    const Node& n = node(nid);
    for (int p = 0; p < n.numOutputs; ++p) {
      std::vector<PortRef> cs = consumers({nid, p});
      if (cs.empty()) {
        if (n.op != "Output") sinks.push_back({nid, p});
        continue;
      }
      if (std::any_of(cs.begin(), cs.end(), [&](const PortRef& c) { return !nodeInBlock(c.node, id); }))
        ports.outputs.push_back({nid, p});
    }
  }
  if (ports.outputs.empty()) ports.outputs = sinks;
  return ports;
}

std::vector<BlockId> Graph::descendantBlocks(BlockId id) const {
  std::vector<BlockId> r;
  std::vector<BlockId> frontier = childBlocks(id);
  while (!frontier.empty()) {
    std::vector<BlockId> next;
    for (BlockId b : frontier) {
      r.push_back(b);
      for (BlockId c : childBlocks(b)) next.push_back(c);
    }
    frontier = std::move(next);
  }
  return r;
}

}  // namespace nc
