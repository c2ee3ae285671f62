#pragma once
// Every edit of a document is one of these QUndoCommands on the document's single stack.
// Commands take the graph and explicit ids/values (never the scene or its selection), do their
// work in redo(), and keep whatever they removed so that undo restores it exactly.
#include <QPointF>
#include <QUndoCommand>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace ncui {

enum CommandId {
  kMoveCommandId = 1001,
  kSetAttributeCommandId = 1002,
  kSetConstantCommandId = 1003
};

class AddNodeCommand : public QUndoCommand {
 public:
  AddNodeCommand(nc::Graph& g, std::string op, QPointF pos, std::string name = {});
  void redo() override;
  void undo() override;
  nc::NodeId nodeId() const { return node_ ? node_->id : nc::kNoNode; }

 private:
  nc::Graph& g_;
  std::string op_, name_;
  QPointF pos_;
  std::optional<nc::Node> node_;  // as created on the first redo
};

// Removes nodes with every connection touching them; undo restores the nodes (constants and
// attributes included) and all those connections.
class DeleteNodesCommand : public QUndoCommand {
 public:
  DeleteNodesCommand(nc::Graph& g, std::vector<nc::NodeId> ids);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  std::vector<nc::NodeId> ids_;
  std::vector<nc::Node> removed_;              // with sources cleared
  std::vector<nc::ConnectionId> connections_;  // every connection touching them
};

// Moves nodes (and collapsed blocks); consecutive moves of one drag (same `dragId`) merge into
// one command.
class MoveNodesCommand : public QUndoCommand {
 public:
  MoveNodesCommand(nc::Graph& g, std::map<nc::NodeId, QPointF> to, int dragId,
                   const QString& text = {}, std::map<nc::BlockId, QPointF> blocksTo = {});
  void redo() override;
  void undo() override;
  int id() const override { return dragId_ >= 0 ? kMoveCommandId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  nc::Graph& g_;
  std::map<nc::NodeId, QPointF> from_, to_;
  std::map<nc::BlockId, QPointF> blockFrom_, blockTo_;
  int dragId_;
};

class ConnectCommand : public QUndoCommand {
 public:
  ConnectCommand(nc::Graph& g, nc::PortRef from, nc::PortRef to);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  nc::PortRef from_, to_;
};

class DisconnectCommand : public QUndoCommand {
 public:
  DisconnectCommand(nc::Graph& g, nc::PortRef to);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  nc::PortRef to_;
  std::optional<nc::PortRef> from_;
};

// Sets (value) or clears (nullopt) an attribute. Consecutive edits of the same attribute of the
// same node merge (slider and spin-box edits).
class SetAttributeCommand : public QUndoCommand {
 public:
  SetAttributeCommand(nc::Graph& g, nc::NodeId id, std::string name,
                      std::optional<nc::AttrValue> value);
  void redo() override;
  void undo() override;
  int id() const override { return kSetAttributeCommandId; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  void apply(const std::optional<nc::AttrValue>& v);
  nc::Graph& g_;
  nc::NodeId node_;
  std::string name_;
  std::optional<nc::AttrValue> old_, new_;
};

class SetConstantCommand : public QUndoCommand {
 public:
  SetConstantCommand(nc::Graph& g, nc::NodeId id, int port, nc::Tensor value);
  void redo() override;
  void undo() override;
  int id() const override { return kSetConstantCommandId; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  nc::Graph& g_;
  nc::NodeId node_;
  int port_;
  nc::Tensor old_, new_;
};

// Changes the number of input ports of a variadic op (Concat, Sum, ...). Shrinking drops the
// connections of the removed ports; undo restores the count and those connections.
class SetInputCountCommand : public QUndoCommand {
 public:
  SetInputCountCommand(nc::Graph& g, nc::NodeId id, int count);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  nc::NodeId node_;
  int old_, new_;
  std::vector<nc::ConnectionId> dropped_;
};

class RenameCommand : public QUndoCommand {
 public:
  RenameCommand(nc::Graph& g, nc::NodeId id, std::string name);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  nc::NodeId node_;
  std::string old_, new_;
};

// Inserts a fragment (nodes with fresh ids and unique names, plus its internal connections).
class InsertNodesCommand : public QUndoCommand {
 public:
  // `nodes` carry their fragment ids; `connections` refer to those ids.
  InsertNodesCommand(nc::Graph& g, std::vector<nc::Node> nodes,
                     std::vector<nc::ConnectionId> connections, QPointF offset,
                     const QString& text);
  void redo() override;
  void undo() override;
  const std::vector<nc::NodeId>& insertedIds() const { return inserted_; }

 private:
  nc::Graph& g_;
  std::vector<nc::Node> nodes_;
  std::vector<nc::ConnectionId> connections_;
  QPointF offset_;
  bool mapped_ = false;
  std::vector<nc::NodeId> inserted_;
};

// An edit expressed as a function of the graph (the block library's operations: group,
// ungroup, regenerate, insert, ...). The first redo() runs it on the live graph and keeps the
// graph before and after; undo/redo bring the graph to those states with nc::syncGraphTo, so
// observers see only what changed and undo restores the exact previous graph. If the edit
// throws, the graph is restored, the message is written to `*error` (when given) and the
// command makes itself obsolete (QUndoStack::push then drops it).
class GraphEditCommand : public QUndoCommand {
 public:
  GraphEditCommand(nc::Graph& g, std::function<void(nc::Graph&)> edit, const QString& text,
                   QString* error = nullptr);
  void redo() override;
  void undo() override;

 private:
  nc::Graph& g_;
  std::function<void(nc::Graph&)> edit_;
  QString* error_;
  std::optional<nc::Graph> before_, after_;
};

}  // namespace ncui
