#include "core/graph/graph.h"

#include <algorithm>
#include <queue>
#include <set>

#include "core/base/error.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

namespace {
// Leading outputs that every node of the op has (neither optional nor variadic).
int requiredOutputs(const OpSpec& spec) {
  int n = 0;
  while (n < int(spec.outputs.size()) && !spec.outputs[size_t(n)].optional && !spec.outputs[size_t(n)].variadic) ++n;
  return n;
}
}  // namespace

NodeInfo nodeInfo(const Node& n) {
  NodeInfo info{n.name, n.op, n.attrs, n.numOutputs, {}};
  info.inputs.reserve(n.inputs.size());
  for (const InputBinding& b : n.inputs)
    info.inputs.push_back({b.source.has_value(), b.source ? nullptr : &b.constant});
  return info;
}

Graph::Graph(const Graph& o)
    : nodes_(o.nodes_), blocks_(o.blocks_), nextBlockId_(o.nextBlockId_), out_(o.out_), nextId_(o.nextId_), revisionCounter_(o.revisionCounter_), names_(o.names_),
      nameHint_(o.nameHint_) {}

Graph& Graph::operator=(const Graph& o) {
  nodes_ = o.nodes_;
  blocks_ = o.blocks_;
  nextBlockId_ = o.nextBlockId_;
  out_ = o.out_;
  nextId_ = o.nextId_;
  revisionCounter_ = o.revisionCounter_;
  names_ = o.names_;
  nameHint_ = o.nameHint_;
  return *this;
}

Node& Graph::mut(NodeId id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) throw Error("no node with id " + std::to_string(id));
  return it->second;
}

const Node& Graph::node(NodeId id) const {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) throw Error("no node with id " + std::to_string(id));
  return it->second;
}

const Node* Graph::findNode(NodeId id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node* Graph::findByName(const std::string& name) const {
  for (auto& [id, n] : nodes_)
    if (n.name == name) return &n;
  return nullptr;
}

void Graph::touch(Node& n) { n.revision = ++revisionCounter_; }

std::string Graph::uniqueName(const std::string& base) const {
  if (!base.empty() && !names_.count(base)) return base;
  std::string stem = base.empty() ? "node" : base;
  int& hint = nameHint_[stem];
  for (int i = std::max(1, hint);; ++i) {
    std::string c = stem + "_" + std::to_string(i);
    if (!names_.count(c)) {
      hint = i + 1;
      return c;
    }
  }
}

NodeId Graph::addNode(const std::string& op, const std::string& name) {
  const OpSpec* spec = findOp(op);
  if (!spec) throw Error("unknown op type '" + op + "'");
  Node n;
  n.id = nextId_++;
  n.op = op;
  n.name = uniqueName(name.empty() ? op : name);
  size_t fixed = 0;
  for (auto& p : spec->inputs)
    if (!p.variadic) ++fixed;
  bool variadic = !spec->inputs.empty() && spec->inputs.back().variadic;
  n.inputs.resize(fixed + (variadic ? 1 : 0));
  // Required outputs only; optional trailing ones appear through setOutputCount. A variadic
  // output (Split) starts with one port.
  n.numOutputs = requiredOutputs(*spec);
  if (n.numOutputs == 0 && !spec->outputs.empty()) n.numOutputs = 1;
  touch(n);
  NodeId id = n.id;
  names_.insert(n.name);
  nodes_.emplace(id, std::move(n));
  notify([&](GraphObserver& o) { o.nodeAdded(id); });
  return id;
}

void Graph::restoreNode(const Node& node) {
  if (node.id == kNoNode || nodes_.count(node.id)) throw Error("cannot restore node: id in use");
  Node n = node;
  if (n.block != kNoBlock && !blocks_.count(n.block)) n.block = kNoBlock;
  for (auto& in : n.inputs)
    if (in.source && !nodes_.count(in.source->node)) in.source.reset();
  touch(n);
  names_.insert(n.name);
  nodes_.emplace(n.id, n);
  nextId_ = std::max(nextId_, n.id + 1);
  notify([&](GraphObserver& o) { o.nodeAdded(n.id); });
  for (int i = 0; i < int(n.inputs.size()); ++i)
    if (n.inputs[size_t(i)].source) {
      ConnectionId c{*n.inputs[size_t(i)].source, {n.id, i}};
      indexAdd(c);
      notify([&](GraphObserver& o) { o.connectionAdded(c); });
    }
}

void Graph::removeNode(NodeId id) {
  Node& n = mut(id);
  for (int i = 0; i < int(n.inputs.size()); ++i)
    if (n.inputs[size_t(i)].source) disconnect({id, i});
  for (int p = 0; p < n.numOutputs; ++p)
    for (PortRef c : consumers({id, p})) disconnect(c);
  if (auto it = names_.find(n.name); it != names_.end()) names_.erase(it);
  nodes_.erase(id);
  out_.erase(id);
  notify([&](GraphObserver& o) { o.nodeRemoved(id); });
}

bool Graph::wouldCreateCycle(PortRef from, PortRef to) const {
  // A cycle forms if `from.node` is reachable downstream of `to.node` (or is the same node).
  if (from.node == to.node) return true;
  std::set<NodeId> seen;
  std::vector<NodeId> stack{to.node};
  while (!stack.empty()) {
    NodeId cur = stack.back();
    stack.pop_back();
    if (cur == from.node) return true;
    if (!seen.insert(cur).second) continue;
    if (auto it = out_.find(cur); it != out_.end())
      for (auto& c : it->second) stack.push_back(c.to.node);
  }
  return false;
}

void Graph::connect(PortRef from, PortRef to) {
  const Node& src = node(from.node);
  Node& dst = mut(to.node);
  if (from.port < 0 || from.port >= src.numOutputs)
    throw Error("node '" + src.name + "' has no output port " + std::to_string(from.port));
  if (to.port < 0 || to.port >= int(dst.inputs.size()))
    throw Error("node '" + dst.name + "' has no input port " + std::to_string(to.port));
  if (dst.inputs[size_t(to.port)].source)
    throw Error("input " + std::to_string(to.port) + " of node '" + dst.name + "' is already connected");
  if (wouldCreateCycle(from, to))
    throw Error("connecting '" + src.name + "' to '" + dst.name + "' would create a cycle");
  dst.inputs[size_t(to.port)].source = from;
  touch(dst);
  ConnectionId c{from, to};
  indexAdd(c);
  notify([&](GraphObserver& o) { o.connectionAdded(c); });
}

void Graph::disconnect(PortRef to) {
  Node& dst = mut(to.node);
  if (to.port < 0 || to.port >= int(dst.inputs.size()) || !dst.inputs[size_t(to.port)].source) return;
  ConnectionId c{*dst.inputs[size_t(to.port)].source, to};
  dst.inputs[size_t(to.port)].source.reset();
  indexRemove(c);
  touch(dst);
  notify([&](GraphObserver& o) { o.connectionRemoved(c); });
}

void Graph::setAttr(NodeId id, const std::string& name, AttrValue value) {
  Node& n = mut(id);
  const OpSpec* spec = findOp(n.op);
  const AttrSpec* a = spec ? spec->findAttr(name) : nullptr;
  if (!a) throw Error("op " + n.op + " has no attribute '" + name + "'");
  if (attrTypeOf(value) != a->type)
    throw Error("attribute '" + name + "' of " + n.op + " is " + attrTypeName(a->type) + ", got " +
                attrTypeName(attrTypeOf(value)));
  n.attrs[name] = std::move(value);
  touch(n);
  notify([&](GraphObserver& o) { o.nodeChanged(id); });
}

void Graph::clearAttr(NodeId id, const std::string& name) {
  Node& n = mut(id);
  if (n.attrs.erase(name)) {
    touch(n);
    notify([&](GraphObserver& o) { o.nodeChanged(id); });
  }
}

void Graph::setConstant(NodeId id, int port, Tensor value) {
  Node& n = mut(id);
  if (port < 0 || port >= int(n.inputs.size()))
    throw Error("node '" + n.name + "' has no input port " + std::to_string(port));
  n.inputs[size_t(port)].constant = std::move(value);
  touch(n);
  notify([&](GraphObserver& o) { o.nodeChanged(id); });
}

void Graph::setInputCount(NodeId id, int count) {
  Node& n = mut(id);
  const OpSpec* spec = findOp(n.op);
  if (!spec || spec->inputs.empty() || !spec->inputs.back().variadic)
    throw Error("op " + n.op + " has a fixed number of inputs");
  int fixed = int(spec->inputs.size()) - 1;
  if (count < fixed + 1) throw Error("op " + n.op + " needs at least " + std::to_string(fixed + 1) + " inputs");
  while (int(n.inputs.size()) > count) {
    disconnect({id, int(n.inputs.size()) - 1});
    n.inputs.pop_back();
  }
  n.inputs.resize(size_t(count));
  touch(n);
  notify([&](GraphObserver& o) { o.nodeChanged(id); });
}

void Graph::setOutputCount(NodeId id, int count) {
  Node& n = mut(id);
  const OpSpec* spec = findOp(n.op);
  if (!spec || spec->outputs.empty()) throw Error("op " + n.op + " has no outputs");
  const int required = std::max(1, requiredOutputs(*spec));
  const bool variadic = spec->outputs.back().variadic;
  if (count < required || (!variadic && count > int(spec->outputs.size())))
    throw Error("op " + n.op + " has " + std::to_string(required) + " to " +
                (variadic ? std::string("any number of") : std::to_string(spec->outputs.size())) + " outputs, not " +
                std::to_string(count));
  if (count == n.numOutputs) return;
  for (int p = count; p < n.numOutputs; ++p)
    for (const PortRef& to : consumers({id, p})) disconnect(to);
  Node& node = mut(id);
  node.numOutputs = count;
  touch(node);
  notify([&](GraphObserver& o) { o.nodeChanged(id); });
}

void Graph::setName(NodeId id, const std::string& name) {
  Node& n = mut(id);
  if (name == n.name) return;
  if (name.empty()) throw Error("a node name cannot be empty");
  if (names_.count(name)) throw Error("a node named '" + name + "' already exists");
  if (auto it = names_.find(n.name); it != names_.end()) names_.erase(it);
  n.name = name;
  names_.insert(name);
  notify([&](GraphObserver& o) { o.nodeChanged(id); });
}

void Graph::setPosition(NodeId id, double x, double y) {
  Node& n = mut(id);
  n.x = x;
  n.y = y;
  notify([&](GraphObserver& o) { o.nodeMoved(id); });
}

std::vector<NodeId> Graph::nodeIds() const {
  std::vector<NodeId> ids;
  ids.reserve(nodes_.size());
  for (auto& [id, n] : nodes_) ids.push_back(id);
  return ids;
}

std::vector<ConnectionId> Graph::connections() const {
  std::vector<ConnectionId> cs;
  for (auto& [id, n] : nodes_)
    for (int i = 0; i < int(n.inputs.size()); ++i)
      if (n.inputs[size_t(i)].source) cs.push_back({*n.inputs[size_t(i)].source, {id, i}});
  return cs;
}

std::vector<PortRef> Graph::consumers(PortRef output) const {
  std::vector<PortRef> out;
  if (auto it = out_.find(output.node); it != out_.end())
    for (auto& c : it->second)
      if (c.from.port == output.port) out.push_back(c.to);
  return out;
}

std::vector<NodeId> Graph::topologicalOrder() const {
  std::map<NodeId, int> indeg;
  std::map<NodeId, std::vector<NodeId>> succ;
  for (auto& [id, n] : nodes_) {
    indeg[id];
    for (auto& in : n.inputs)
      if (in.source) {
        ++indeg[id];
        succ[in.source->node].push_back(id);
      }
  }
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (auto& [id, d] : indeg)
    if (d == 0) ready.push(id);
  std::vector<NodeId> order;
  while (!ready.empty()) {
    NodeId id = ready.top();
    ready.pop();
    order.push_back(id);
    for (NodeId s : succ[id])
      if (--indeg[s] == 0) ready.push(s);
  }
  return order;
}

std::vector<NodeId> Graph::inputNodes() const {
  std::vector<NodeId> r;
  for (auto& [id, n] : nodes_)
    if (n.op == "Input") r.push_back(id);
  return r;
}

std::vector<NodeId> Graph::outputNodes() const {
  std::vector<NodeId> r;
  for (auto& [id, n] : nodes_)
    if (n.op == "Output") r.push_back(id);
  return r;
}

void Graph::addObserver(GraphObserver* o) { observers_.push_back(o); }

void Graph::removeObserver(GraphObserver* o) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
}

}  // namespace nc
