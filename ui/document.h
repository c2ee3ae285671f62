#pragma once
// One open model: the graph (the only source of truth), its undo stack, file path and clean
// state, the shapes inferred after every command, and the background evaluation. Every edit
// is one QUndoCommand pushed here; the canvas, panels and headless callers (tests, CLI) use
// the same operations. No dialogs: callers pass paths and get nc::Error on failure.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoStack>
#include <functional>
#include <map>
#include <vector>

#include "core/graph/graph.h"
#include "core/eval/shape_inference.h"
#include "ui/eval_service.h"
#include "ui/graph_signals.h"

namespace ncui {

class Document : public QObject {
  Q_OBJECT
 public:
  explicit Document(QObject* parent = nullptr);
  ~Document() override;

  const nc::Graph& graph() const { return graph_; }
  GraphSignals* graphSignals() const { return signals_; }
  QUndoStack* undoStack() const { return stack_; }
  EvalService* evaluation() const { return eval_; }
  const nc::ShapeInfo& shapes() const { return shapes_; }
  // Bumped on every inference run (views skip work for a generation they have seen).
  quint64 shapesGeneration() const { return shapesGeneration_; }

  // ---- edits (each pushes one command; invalid requests emit message() and change nothing) ----
  nc::NodeId addNode(const QString& op, QPointF pos, const QString& name = {});
  void deleteNodes(const std::vector<nc::NodeId>& ids);
  // New positions; calls with the same dragId >= 0 merge into one undo step (a mouse drag).
  void moveNodes(const std::map<nc::NodeId, QPointF>& positions, int dragId = -1,
                 const std::map<nc::BlockId, QPointF>& blockPositions = {});
  int newDragId() { return ++dragCounter_; }
  bool connectPorts(nc::PortRef from, nc::PortRef to);
  // Why a connection would be refused ("" when it is allowed).
  QString connectionProblem(nc::PortRef from, nc::PortRef to) const;
  void disconnectPort(nc::PortRef to);
  void setAttribute(nc::NodeId id, const QString& name, const nc::AttrValue& value);
  void clearAttribute(nc::NodeId id, const QString& name);
  void setConstant(nc::NodeId id, int port, const nc::Tensor& value);
  bool rename(nc::NodeId id, const QString& name);
  // Number of input ports of a variadic op (Concat, Sum, ...); false + message otherwise.
  bool setInputCount(nc::NodeId id, int count);
  // Clipboard form of some nodes and the connections among them (and the blocks lying wholly
  // inside the selection, pasted as new blocks).
  QByteArray copy(const std::vector<nc::NodeId>& ids) const;
  // Inserts a copy() payload, shifted by `offset`; returns the new node ids (empty on error).
  std::vector<nc::NodeId> paste(const QByteArray& payload, QPointF offset);
  std::vector<nc::NodeId> duplicate(const std::vector<nc::NodeId>& ids, QPointF offset = {40, 40});
  // Lays out what the canvas shows: top-level nodes and collapsed blocks (one item each).
  void autoLayout();

  // ---- composite blocks (each one undo step; invalid requests emit message()) ----
  // Groups nodes (which must share one innermost block) into a new collapsed block placed where
  // they were; returns it (kNoBlock on error).
  nc::BlockId groupNodes(const std::vector<nc::NodeId>& ids, const QString& name = {});
  // Removes the block, keeping its nodes (they move to the enclosing block).
  bool ungroupBlock(nc::BlockId id);
  // Expanding lays the block's contents out around the block's position if they would overlap.
  bool setBlockCollapsed(nc::BlockId id, bool collapsed);
  bool renameBlock(nc::BlockId id, const QString& name);
  // Deletes the block with every node inside it.
  bool deleteBlock(nc::BlockId id);
  // Regenerates a parametric block's inside (nc::blocks::regenerateBlock).
  bool setBlockParams(nc::BlockId id, const std::map<std::string, nc::AttrValue>& params);
  // Adds a library block (collapsed) at `pos`, fed by `inputs`.
  nc::BlockId insertLibraryBlock(const QString& type, QPointF pos,
                                 const std::vector<nc::PortRef>& inputs,
                                 const std::map<std::string, nc::AttrValue>& params = {});
  // Connects `from` to every inside port a collapsed block's input port feeds (one step).
  bool connectToBlock(nc::PortRef from, nc::BlockId block, int inputPort);
  // The user's block library: <AppDataLocation>/blocks, or $NETCANVAS_BLOCK_DIR if set.
  static QString userBlockDir();
  static QStringList userBlockFiles();  // absolute paths, sorted by name
  // Writes the block as <userBlockDir>/<name>.ncproj; returns the path ("" + message on error).
  QString saveBlockToLibrary(nc::BlockId id, const QString& name);
  // Adds a saved block (a file written by saveBlockToLibrary) at `pos`.
  nc::BlockId insertUserBlock(const QString& path, QPointF pos);

  // ---- files (throw nc::Error naming the problem; on error the document is untouched) ----
  void newDocument();
  // A bundled template ("yolo11n"): an untitled document, blocks collapsed, laid out.
  void newFromTemplate(const QString& name);
  static QStringList templateNames();
  // .ncproj or .onnx (by extension).
  void load(const QString& path);
  void importOnnx(const QString& path);
  void save(const QString& path);
  // Replaces the graph (not undoable; clears the undo stack).
  void setGraph(const nc::Graph& g, const QString& path);
  QString path() const { return path_; }
  QString displayName() const;
  bool isModified() const { return !stack_->isClean(); }

  // ---- autosave / crash recovery ----
  // Where autosave writes for this document: beside a saved file ("X.ncproj" ->
  // "X.ncproj.recovery.ncproj"), or <untitledDir>/untitled.recovery.ncproj.
  static QString recoveryPathFor(const QString& documentPath, const QString& untitledDir);
  // The recovery file for `documentPath` if one exists that is newer than the document.
  static QString pendingRecovery(const QString& documentPath, const QString& untitledDir);
  static void removeRecovery(const QString& documentPath, const QString& untitledDir);
  // Writes the recovery file when modified; returns whether it wrote one.
  bool autosave(const QString& untitledDir);
  // Loads a recovery file as an unsaved modification of `documentPath`.
  void recoverFrom(const QString& recoveryPath, const QString& documentPath);

  // Reruns shape inference and schedules evaluation (normally automatic after each command).
  void refresh();

 Q_SIGNALS:
  void shapesChanged();
  void evaluated();  // forwarded from EvalService::finished
  void message(const QString& text);
  void pathChanged(const QString& path);
  void modifiedChanged(bool modified);

 private:
  void onGraphEdited();
  // Pushes a GraphEditCommand; false (and message "what: reason") if the edit threw.
  bool pushEdit(const QString& text, std::function<void(nc::Graph&)> edit);
  std::vector<nc::NodeId> pasteWithBlocks(const nc::Graph& fragment, QPointF offset);
  void inferNow();
  nc::Graph graph_;
  GraphSignals* signals_;
  QUndoStack* stack_;
  EvalService* eval_;
  nc::ShapeInfo shapes_;
  quint64 shapesGeneration_ = 0;
  QString path_;
  bool dirty_ = false;  // graph changed in a way that affects shapes or values
  int dragCounter_ = 0;
};

}  // namespace ncui
