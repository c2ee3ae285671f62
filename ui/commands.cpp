#include "ui/commands.h"

#include <algorithm>
#include <set>

#include "core/graph/graph_sync.h"

namespace ncui {

// ---- AddNodeCommand ----

AddNodeCommand::AddNodeCommand(nc::Graph& g, std::string op, QPointF pos, std::string name)
    : g_(g), op_(std::move(op)), name_(std::move(name)), pos_(pos) {
  setText(QObject::tr("Add %1").arg(QString::fromStdString(op_)));
}

void AddNodeCommand::redo() {
  if (node_) {
    g_.restoreNode(*node_);
    return;
  }
  // Build the node off-graph first so that observers see it once, already in place.
  nc::Graph scratch;
  nc::NodeId tmp = scratch.addNode(op_, name_);
  nc::Node n = scratch.node(tmp);
  n.id = g_.nextId();
  n.name = g_.uniqueName(name_.empty() ? op_ : name_);
  n.x = pos_.x();
  n.y = pos_.y();
  g_.restoreNode(n);
  node_ = g_.node(n.id);
}

void AddNodeCommand::undo() {
  node_ = g_.node(node_->id);
  g_.removeNode(node_->id);
}

// ---- DeleteNodesCommand ----

DeleteNodesCommand::DeleteNodesCommand(nc::Graph& g, std::vector<nc::NodeId> ids)
    : g_(g), ids_(std::move(ids)) {
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  setText(ids_.size() == 1 ? QObject::tr("Delete node")
                           : QObject::tr("Delete %1 nodes").arg(ids_.size()));
}

void DeleteNodesCommand::redo() {
  removed_.clear();
  connections_.clear();
  std::set<nc::NodeId> gone(ids_.begin(), ids_.end());
  for (const nc::ConnectionId& c : g_.connections())
    if (gone.count(c.from.node) || gone.count(c.to.node)) connections_.push_back(c);
  for (nc::NodeId id : ids_) {
    if (!g_.contains(id)) continue;
    nc::Node n = g_.node(id);
    for (auto& in : n.inputs) in.source.reset();
    removed_.push_back(std::move(n));
    g_.removeNode(id);
  }
}

void DeleteNodesCommand::undo() {
  for (const nc::Node& n : removed_) g_.restoreNode(n);
  for (const nc::ConnectionId& c : connections_) g_.connect(c.from, c.to);
}

// ---- MoveNodesCommand ----

MoveNodesCommand::MoveNodesCommand(nc::Graph& g, std::map<nc::NodeId, QPointF> to, int dragId,
                                   const QString& text, std::map<nc::BlockId, QPointF> blocksTo)
    : g_(g), to_(std::move(to)), blockTo_(std::move(blocksTo)), dragId_(dragId) {
  for (auto& [id, p] : to_) {
    const nc::Node& n = g_.node(id);
    from_[id] = QPointF(n.x, n.y);
  }
  for (auto& [id, p] : blockTo_) {
    const nc::Block& b = g_.block(id);
    blockFrom_[id] = QPointF(b.x, b.y);
  }
  if (!text.isEmpty())
    setText(text);
  else if (to_.empty() && blockTo_.size() == 1)
    setText(QObject::tr("Move block"));
  else if (blockTo_.empty() && to_.size() == 1)
    setText(QObject::tr("Move node"));
  else
    setText(QObject::tr("Move %1 items").arg(to_.size() + blockTo_.size()));
}

void MoveNodesCommand::redo() {
  for (auto& [id, p] : to_)
    if (g_.contains(id)) g_.setPosition(id, p.x(), p.y());
  for (auto& [id, p] : blockTo_)
    if (g_.containsBlock(id)) g_.setBlockPosition(id, p.x(), p.y());
}

void MoveNodesCommand::undo() {
  for (auto& [id, p] : from_)
    if (g_.contains(id)) g_.setPosition(id, p.x(), p.y());
  for (auto& [id, p] : blockFrom_)
    if (g_.containsBlock(id)) g_.setBlockPosition(id, p.x(), p.y());
}

bool MoveNodesCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const MoveNodesCommand*>(other);
  if (o->dragId_ != dragId_ || dragId_ < 0) return false;
  for (auto& [id, p] : o->to_) {
    to_[id] = p;
    if (!from_.count(id)) from_[id] = o->from_.at(id);
  }
  for (auto& [id, p] : o->blockTo_) {
    blockTo_[id] = p;
    if (!blockFrom_.count(id)) blockFrom_[id] = o->blockFrom_.at(id);
  }
  return true;
}

// ---- ConnectCommand / DisconnectCommand ----

ConnectCommand::ConnectCommand(nc::Graph& g, nc::PortRef from, nc::PortRef to)
    : g_(g), from_(from), to_(to) {
  setText(QObject::tr("Connect %1 → %2")
              .arg(QString::fromStdString(g.node(from.node).name),
                   QString::fromStdString(g.node(to.node).name)));
}

void ConnectCommand::redo() { g_.connect(from_, to_); }
void ConnectCommand::undo() { g_.disconnect(to_); }

DisconnectCommand::DisconnectCommand(nc::Graph& g, nc::PortRef to) : g_(g), to_(to) {
  setText(QObject::tr("Disconnect %1").arg(QString::fromStdString(g.node(to.node).name)));
}

void DisconnectCommand::redo() {
  const nc::Node& n = g_.node(to_.node);
  from_ = n.inputs.at(size_t(to_.port)).source;
  g_.disconnect(to_);
}

void DisconnectCommand::undo() {
  if (from_) g_.connect(*from_, to_);
}

// ---- SetAttributeCommand ----

SetAttributeCommand::SetAttributeCommand(nc::Graph& g, nc::NodeId id, std::string name,
                                         std::optional<nc::AttrValue> value)
    : g_(g), node_(id), name_(std::move(name)), new_(std::move(value)) {
  const nc::Node& n = g_.node(id);
  if (auto it = n.attrs.find(name_); it != n.attrs.end()) old_ = it->second;
  setText(new_ ? QObject::tr("Set %1.%2")
                     .arg(QString::fromStdString(n.name), QString::fromStdString(name_))
               : QObject::tr("Reset %1.%2")
                     .arg(QString::fromStdString(n.name), QString::fromStdString(name_)));
}

void SetAttributeCommand::apply(const std::optional<nc::AttrValue>& v) {
  if (v)
    g_.setAttr(node_, name_, *v);
  else
    g_.clearAttr(node_, name_);
}

void SetAttributeCommand::redo() { apply(new_); }
void SetAttributeCommand::undo() { apply(old_); }

bool SetAttributeCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const SetAttributeCommand*>(other);
  if (o->node_ != node_ || o->name_ != name_) return false;
  new_ = o->new_;
  return true;
}

// ---- SetConstantCommand ----

SetConstantCommand::SetConstantCommand(nc::Graph& g, nc::NodeId id, int port, nc::Tensor value)
    : g_(g), node_(id), port_(port), new_(std::move(value)) {
  const nc::Node& n = g_.node(id);
  old_ = n.inputs.at(size_t(port)).constant;
  setText(QObject::tr("Set weights of %1").arg(QString::fromStdString(n.name)));
}

void SetConstantCommand::redo() { g_.setConstant(node_, port_, new_); }
void SetConstantCommand::undo() { g_.setConstant(node_, port_, old_); }

bool SetConstantCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const SetConstantCommand*>(other);
  if (o->node_ != node_ || o->port_ != port_) return false;
  new_ = o->new_;
  return true;
}

// ---- SetInputCountCommand ----

SetInputCountCommand::SetInputCountCommand(nc::Graph& g, nc::NodeId id, int count)
    : g_(g), node_(id), old_(int(g.node(id).inputs.size())), new_(count) {
  setText(
      QObject::tr("Set %1 inputs of %2").arg(count).arg(QString::fromStdString(g.node(id).name)));
}

void SetInputCountCommand::redo() {
  dropped_.clear();
  const nc::Node& n = g_.node(node_);
  for (int i = new_; i < int(n.inputs.size()); ++i)
    if (n.inputs[size_t(i)].source) dropped_.push_back({*n.inputs[size_t(i)].source, {node_, i}});
  g_.setInputCount(node_, new_);
}

void SetInputCountCommand::undo() {
  g_.setInputCount(node_, old_);
  for (const nc::ConnectionId& c : dropped_) g_.connect(c.from, c.to);
}

// ---- RenameCommand ----

RenameCommand::RenameCommand(nc::Graph& g, nc::NodeId id, std::string name)
    : g_(g), node_(id), old_(g.node(id).name), new_(std::move(name)) {
  setText(QObject::tr("Rename %1 to %2")
              .arg(QString::fromStdString(old_), QString::fromStdString(new_)));
}

void RenameCommand::redo() { g_.setName(node_, new_); }
void RenameCommand::undo() { g_.setName(node_, old_); }

// ---- InsertNodesCommand ----

InsertNodesCommand::InsertNodesCommand(nc::Graph& g, std::vector<nc::Node> nodes,
                                       std::vector<nc::ConnectionId> connections, QPointF offset,
                                       const QString& text)
    : g_(g), nodes_(std::move(nodes)), connections_(std::move(connections)), offset_(offset) {
  setText(text);
}

void InsertNodesCommand::redo() {
  if (!mapped_) {
    // First run: fresh ids and unique names, positions offset, connections remapped.
    std::map<nc::NodeId, nc::NodeId> idMap;
    nc::NodeId next = g_.nextId();
    std::set<std::string> taken;
    for (nc::Node& n : nodes_) {
      idMap[n.id] = next;
      n.id = next++;
      std::string name = g_.uniqueName(n.name);
      for (int i = 1; taken.count(name); ++i)
        name = g_.uniqueName(n.name + "_" + std::to_string(i));
      taken.insert(name);
      n.name = name;
      n.x += offset_.x();
      n.y += offset_.y();
      for (auto& in : n.inputs) in.source.reset();
    }
    std::vector<nc::ConnectionId> mapped;
    for (const nc::ConnectionId& c : connections_)
      if (idMap.count(c.from.node) && idMap.count(c.to.node))
        mapped.push_back({{idMap[c.from.node], c.from.port}, {idMap[c.to.node], c.to.port}});
    connections_ = std::move(mapped);
    mapped_ = true;
  }
  inserted_.clear();
  for (const nc::Node& n : nodes_) {
    g_.restoreNode(n);
    inserted_.push_back(n.id);
  }
  for (const nc::ConnectionId& c : connections_) g_.connect(c.from, c.to);
}

void InsertNodesCommand::undo() {
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it)
    if (g_.contains(it->id)) g_.removeNode(it->id);
}

// ---- GraphEditCommand ----

GraphEditCommand::GraphEditCommand(nc::Graph& g, std::function<void(nc::Graph&)> edit,
                                   const QString& text, QString* error)
    : g_(g), edit_(std::move(edit)), error_(error) {
  setText(text);
}

void GraphEditCommand::redo() {
  if (after_) {
    nc::syncGraphTo(g_, *after_);
    return;
  }
  before_ = g_;
  try {
    edit_(g_);
  } catch (const std::exception& e) {
    if (error_) *error_ = QString::fromUtf8(e.what());
    nc::syncGraphTo(g_, *before_);  // the library leaves the graph unchanged; make sure of it
    setObsolete(true);
    return;
  }
  after_ = g_;
  edit_ = nullptr;  // the lambda's captures may not outlive the first run
}

void GraphEditCommand::undo() {
  if (before_) nc::syncGraphTo(g_, *before_);
}

}  // namespace ncui
