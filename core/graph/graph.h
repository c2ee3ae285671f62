#pragma once
// The graph model: the single source of truth. Nodes carry an op type (an entry of the op
// registry), typed attributes, and one binding per input port: either a connection from another
// node's output port or a constant tensor owned by the node (weights; exported as ONNX
// initializers). Graph inputs and outputs are the pseudo-ops "Input" and "Output".
// Every mutation keeps the graph a DAG and notifies observers; ids are plain values.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/ops/op.h"
#include "core/tensor/attr.h"
#include "core/tensor/tensor.h"

namespace nc {

struct OpSpec;

using NodeId = uint32_t;
constexpr NodeId kNoNode = 0;
using BlockId = uint32_t;
constexpr BlockId kNoBlock = 0;

struct PortRef {
  NodeId node = kNoNode;
  int port = 0;
  auto operator<=>(const PortRef&) const = default;
};

// A connection from an output port to an input port.
struct ConnectionId {
  PortRef from;  // output port
  PortRef to;    // input port
  auto operator<=>(const ConnectionId&) const = default;
};

struct InputBinding {
  std::optional<PortRef> source;  // connected output port
  Tensor constant;                // weight owned by the node (used when not connected)
};

struct Node {
  NodeId id = kNoNode;
  std::string op;
  std::string name;
  std::map<std::string, AttrValue> attrs;  // explicitly set attributes; defaults live in the spec
  std::vector<InputBinding> inputs;
  int numOutputs = 1;
  double x = 0, y = 0;    // canvas position (UI metadata)
  uint64_t revision = 0;  // bumped on every change that affects the node's computation
  BlockId block = kNoBlock;  // innermost composite block holding the node (none: top level)
};

// A composite block: a named group of nodes that the canvas shows as one node while collapsed.
// Blocks nest (`parent`); each node names its innermost block. The graph itself stays flat, so
// evaluation, shape inference and flat ONNX export do not see blocks at all; they are structure
// for people (and for ONNX-function export). A block whose `type` names an entry of the block
// library (core/blocks/library.h, e.g. "C3k2") is parametric: its `params` regenerate its inside.
// An empty type is a user group.
struct Block {
  BlockId id = kNoBlock;
  std::string name;  // unique among blocks ("model.2", "model.2.m.0")
  std::string type;  // block library type, or "" for a plain group
  std::map<std::string, AttrValue> params;
  BlockId parent = kNoBlock;
  bool collapsed = true;
  double x = 0, y = 0;  // canvas position while collapsed
};

// The graph's blocks by id, with an index of their names, kept as one value so that a copy of
// the graph copies both. Lookup by name and uniqueName() are O(log n) (5,000 unnamed blocks used
// to hang: every candidate name scanned every block). Names change through rename() only.
class BlockTable {
 public:
  const std::map<BlockId, Block>& byId() const { return byId_; }
  size_t count(BlockId id) const { return byId_.count(id); }
  const Block* find(BlockId id) const;
  Block* find(BlockId id);
  const Block* findByName(const std::string& name) const;
  // `base` if free, else the first free base_1, base_2, ... ("block" for an empty base).
  std::string uniqueName(const std::string& base) const;
  void insert(Block b);  // its id and name must be free
  void erase(BlockId id);
  void rename(BlockId id, const std::string& name);  // the name must be free

 private:
  void nameFreed(const std::string& name);
  std::map<BlockId, Block> byId_;
  std::map<std::string, BlockId> byName_;
  // Per stem: stem_1 ... stem_(hint - 1) are all taken, so the search for a free one starts at
  // the hint; freeing stem_i lowers it to i, keeping "the first free suffix".
  mutable std::map<std::string, int64_t> nameHint_;
};

// The ports a block shows while collapsed, derived from the graph: an input is a value coming from
// outside the block (one port per distinct outside source, feeding every inside port listed) or an
// unbound data input of an inside node; an output is an inside output port consumed outside the
// block, or, if nothing outside consumes the block, the outputs of its inside sinks.
struct BlockPorts {
  struct In {
    std::optional<PortRef> source;  // outside source (none: unbound)
    std::vector<PortRef> targets;   // inside input ports it feeds
  };
  std::vector<In> inputs;
  std::vector<PortRef> outputs;  // inside output ports
};

// What the node's op may see of it (see NodeInfo); refers to `n`'s data.
NodeInfo nodeInfo(const Node& n);

class GraphObserver {
 public:
  virtual ~GraphObserver() = default;
  virtual void nodeAdded(NodeId) {}
  virtual void nodeRemoved(NodeId) {}
  virtual void connectionAdded(const ConnectionId&) {}
  virtual void connectionRemoved(const ConnectionId&) {}
  virtual void nodeChanged(NodeId) {}  // attributes, constants, name, port count
  virtual void nodeMoved(NodeId) {}
  // Block added, removed, renamed, collapsed/expanded, moved, re-parametrised, or its membership
  // changed (nodes moved in or out). Never affects computation.
  virtual void blockChanged(BlockId) {}
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph& o);  // copies nodes, not observers
  Graph& operator=(const Graph& o);

  // Adds a node of a registered op; ports sized from the spec. Name made unique if empty or taken.
  NodeId addNode(const std::string& op, const std::string& name = {});
  // Re-inserts a node exactly as it was (undo of delete); its id must be free.
  void restoreNode(const Node& node);
  // Removes the node and every connection touching it.
  void removeNode(NodeId id);

  // Connects; throws nc::Error if a port is invalid, the input is taken or a cycle would form.
  void connect(PortRef from, PortRef to);
  void disconnect(PortRef to);
  bool wouldCreateCycle(PortRef from, PortRef to) const;

  void setAttr(NodeId id, const std::string& name, AttrValue value);
  void clearAttr(NodeId id, const std::string& name);
  void setConstant(NodeId id, int port, Tensor value);
  void setInputCount(NodeId id, int count);  // variadic inputs (Concat, Sum, ...)
  // How many outputs the node exposes: from its required outputs up to all of the spec's
  // (optional trailing ones: MaxPool's Indices, BatchNorm's training statistics), or any number
  // >= 1 for a variadic output (Split). Dropped ports lose their connections.
  void setOutputCount(NodeId id, int count);
  void setName(NodeId id, const std::string& name);
  void setPosition(NodeId id, double x, double y);

  bool contains(NodeId id) const { return nodes_.count(id) != 0; }
  const Node& node(NodeId id) const;
  const Node* findNode(NodeId id) const;
  const Node* findByName(const std::string& name) const;
  std::vector<NodeId> nodeIds() const;  // ascending
  size_t size() const { return nodes_.size(); }
  std::vector<ConnectionId> connections() const;
  std::vector<PortRef> consumers(PortRef output) const;
  // Nodes in dependency order (ties by id, so deterministic).
  std::vector<NodeId> topologicalOrder() const;
  std::vector<NodeId> inputNodes() const;   // op "Input", in id order
  std::vector<NodeId> outputNodes() const;  // op "Output", in id order
  std::string uniqueName(const std::string& base) const;
  NodeId nextId() const { return nextId_; }

  // --- Composite blocks (metadata only; see Block) ---
  // Adds a block; its id is kept if set and free (undo), else a new one is assigned. The name is
  // made unique among blocks. The parent must exist (or be kNoBlock).
  BlockId addBlock(Block b);
  // Removes the block only (ungroup): its nodes and child blocks move to its parent.
  void removeBlock(BlockId id);
  // Puts a node into a block (kNoBlock: top level). Nodes keep their ids and connections.
  void setNodeBlock(NodeId node, BlockId block);
  void setBlockParent(BlockId id, BlockId parent);  // refuses cycles
  void setBlockName(BlockId id, const std::string& name);
  void setBlockCollapsed(BlockId id, bool collapsed);
  void setBlockPosition(BlockId id, double x, double y);
  void setBlockType(BlockId id, const std::string& type, std::map<std::string, AttrValue> params);

  bool containsBlock(BlockId id) const { return blocks_.count(id) != 0; }
  const Block& block(BlockId id) const;
  const Block* findBlock(BlockId id) const;
  const Block* findBlockByName(const std::string& name) const;
  const std::map<BlockId, Block>& blocks() const { return blocks_.byId(); }
  std::vector<BlockId> childBlocks(BlockId id) const;  // direct children (kNoBlock: top level)
  std::vector<BlockId> descendantBlocks(BlockId id) const;  // all nested blocks, outer first
  // Nodes of a block, ascending ids; recursive includes nested blocks' nodes.
  std::vector<NodeId> blockNodes(BlockId id, bool recursive = true) const;
  // True if `node` lies in `block` or in a block nested inside it.
  bool nodeInBlock(NodeId node, BlockId block) const;
  bool blockInBlock(BlockId inner, BlockId outer) const;  // inner == outer counts
  // The outermost collapsed block containing the node (the item a canvas draws for it), or
  // kNoBlock if every enclosing block is expanded.
  BlockId visibleBlock(NodeId node) const;
  BlockPorts blockPorts(BlockId id) const;
  std::string uniqueBlockName(const std::string& base) const;

  void addObserver(GraphObserver* o);
  void removeObserver(GraphObserver* o);

 private:
  Node& mut(NodeId id);
  void touch(Node& n);
  template <class F>
  void notify(F f) {
    for (auto* o : observers_) f(*o);
  }

  void indexAdd(const ConnectionId& c) { out_[c.from.node].insert(c); }
  void indexRemove(const ConnectionId& c) { out_[c.from.node].erase(c); }

  Block& mutBlock(BlockId id);
  void notifyBlock(BlockId id) {
    notify([&](GraphObserver& o) { o.blockChanged(id); });
  }

  std::map<NodeId, Node> nodes_;
  BlockTable blocks_;
  BlockId nextBlockId_ = 1;
  std::map<NodeId, std::set<ConnectionId>> out_;  // outgoing connections per node
  NodeId nextId_ = 1;
  uint64_t revisionCounter_ = 0;
  std::vector<GraphObserver*> observers_;
  // Name index: makes uniqueName() O(log n) instead of rebuilding a set of every name (adding
  // 10,000 nodes took ~20 s). nameHint_ remembers the next free suffix per stem.
  std::multiset<std::string> names_;
  mutable std::map<std::string, int> nameHint_;
};

}  // namespace nc
