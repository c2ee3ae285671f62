// Graph: composite-block metadata (see Block in graph.h) and the block table with its name
// index. Blocks never change computation, so none of these edits touch node revisions.
#include <algorithm>

#include "core/base/error.h"
#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

// --- BlockTable ---

const Block* BlockTable::find(BlockId id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &it->second;
}

Block* BlockTable::find(BlockId id) {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &it->second;
}

const Block* BlockTable::findByName(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : find(it->second);
}

std::string BlockTable::uniqueName(const std::string& base) const {
  const std::string stem = base.empty() ? "block" : base;
  if (!byName_.count(stem)) return stem;
  int64_t& hint = nameHint_[stem];
  for (int64_t i = std::max<int64_t>(1, hint);; ++i) {
    std::string c = stem + "_" + std::to_string(i);
    if (!byName_.count(c)) {
      hint = i;  // stem_1 ... stem_(i - 1) are taken
      return c;
    }
  }
}

void BlockTable::insert(Block b) {
  const BlockId id = b.id;
  byName_.emplace(b.name, id);
  byId_.emplace(id, std::move(b));
}

void BlockTable::erase(BlockId id) {
  auto it = byId_.find(id);
  if (it == byId_.end()) return;
  nameFreed(it->second.name);
  byId_.erase(it);
}

void BlockTable::rename(BlockId id, const std::string& name) {
  Block* b = find(id);
  if (!b) return;
  nameFreed(b->name);
  b->name = name;
  byName_.emplace(name, id);
}

void BlockTable::nameFreed(const std::string& name) {
  byName_.erase(name);
  // A freed stem_i below the stem's hint becomes the first free suffix again.
  const size_t us = name.rfind('_');
  if (us == std::string::npos || us + 1 == name.size() || name[us + 1] == '0' ||
      name.size() - us - 1 > 18)
    return;
  int64_t i = 0;
  for (size_t k = us + 1; k < name.size(); ++k) {
    if (name[k] < '0' || name[k] > '9') return;
    i = i * 10 + (name[k] - '0');
  }
  auto it = nameHint_.find(name.substr(0, us));
  if (it != nameHint_.end() && i < it->second) it->second = i;
}

// --- Graph ---

Block& Graph::mutBlock(BlockId id) {
  Block* b = blocks_.find(id);
  if (!b) throw Error("no block with id " + std::to_string(id));
  return *b;
}

const Block& Graph::block(BlockId id) const {
  const Block* b = blocks_.find(id);
  if (!b) throw Error("no block with id " + std::to_string(id));
  return *b;
}

const Block* Graph::findBlock(BlockId id) const { return blocks_.find(id); }

const Block* Graph::findBlockByName(const std::string& name) const { return blocks_.findByName(name); }

std::string Graph::uniqueBlockName(const std::string& base) const { return blocks_.uniqueName(base); }

BlockId Graph::addBlock(Block b) {
  if (b.parent != kNoBlock && !blocks_.count(b.parent))
    throw Error("block '" + b.name + "': no parent block with id " + std::to_string(b.parent));
  if (b.id == kNoBlock || blocks_.count(b.id)) b.id = nextBlockId_;
  if (b.id == b.parent) throw Error("block '" + b.name + "' cannot be its own parent");
  nextBlockId_ = std::max(nextBlockId_, b.id + 1);
  b.name = uniqueBlockName(b.name);
  BlockId id = b.id;
  blocks_.insert(std::move(b));
  notifyBlock(id);
  return id;
}

void Graph::removeBlock(BlockId id) {
  Block b = block(id);
  for (auto& [nid, n] : nodes_)
    if (n.block == id) n.block = b.parent;
  for (BlockId child : childBlocks(id)) mutBlock(child).parent = b.parent;
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
  blocks_.rename(b.id, name);
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
  for (auto& [cid, c] : blocks_.byId())
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
