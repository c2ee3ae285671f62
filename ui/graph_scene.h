#pragma once
// The canvas scene: mirrors the document's graph with NodeItems and EdgeItems, created and
// destroyed only on the model's notifications (GraphSignals). User gestures become document
// operations (commands): dragging nodes (one merged move per drag), dragging from an output
// port to an input port (connect; dragging a connected input re-routes or detaches it),
// dropping a palette op. Paints the background grid; exports itself as PNG or SVG. Items see it
// as their CanvasContext.
//
// graph_scene.cpp: items bookkeeping and model notifications, selection, export;
// graph_scene_blocks.cpp: block items and frames, block edits; graph_scene_interaction.cpp:
// mouse gestures and palette drops; graph_scene_menus.cpp: the context menu.
#include <QCache>
#include <QGraphicsScene>
#include <QImage>
#include <QTimer>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/graph/graph.h"
#include "ui/canvas_context.h"
#include "ui/canvas_theme.h"

class QGraphicsPathItem;
class QMenu;

namespace ncui {

class Document;
class NodeItem;
class EdgeItem;
class BlockItem;
class BlockFrame;

class GraphScene : public QGraphicsScene, public CanvasContext {
  Q_OBJECT
 public:
  explicit GraphScene(Document* doc, QObject* parent = nullptr);
  ~GraphScene() override;

  Document* document() const { return doc_; }
  const CanvasTheme& theme() const override { return theme_; }
  void setDarkTheme(bool dark);
  const QFont& nodeFont() const override { return nodeFont_; }
  const QFont& nodeFontBold() const override { return nodeFontBold_; }
  const QFont& nodeFontSmall() const override { return nodeFontSmall_; }

  NodeItem* nodeItem(nc::NodeId id) const;
  EdgeItem* edgeItem(const nc::ConnectionId& c) const;
  size_t nodeItemCount() const { return nodes_.size(); }
  size_t edgeItemCount() const { return edges_.size(); }
  // Composite blocks: a collapsed block (not hidden in another) is one BlockItem; an expanded
  // one a BlockFrame behind its nodes. Nodes inside collapsed blocks have hidden items.
  BlockItem* blockItem(nc::BlockId id) const;
  BlockFrame* blockFrame(nc::BlockId id) const;
  size_t blockItemCount() const { return blockItems_.size(); }
  size_t frameCount() const { return frames_.size(); }
  // Items a user sees as boxes: visible node items plus block items.
  size_t visibleItemCount() const;
  size_t visibleEdgeCount() const;
  // Scene rectangles of the visible node and block items.
  std::vector<QRectF> visibleItemRects() const;

  // Scene positions of ports (for tests and the connection drag).
  QPointF inputPortScenePos(nc::PortRef p) const;
  QPointF outputPortScenePos(nc::PortRef p) const;

  std::vector<nc::NodeId> selectedNodes() const;
  std::vector<nc::ConnectionId> selectedConnections() const;
  // Selected block items and frames (blocks nested in another selected block are left out).
  std::vector<nc::BlockId> selectedBlocks() const;
  // Selected nodes plus every node inside the selected blocks (what grouping takes).
  std::vector<nc::NodeId> selectedNodesDeep() const;
  void selectNodes(const std::vector<nc::NodeId>& ids);
  void selectBlocks(const std::vector<nc::BlockId>& ids);
  // Selects what shows these nodes: their items, or the collapsed blocks hiding them.
  void selectShown(const std::vector<nc::NodeId>& ids);
  // The block the inspector shows: a block item or frame selected alone (kNoBlock: none).
  nc::BlockId currentBlock() const { return currentBlock_; }
  // Brings the block items in line with the model now (normally after every command).
  void syncBlocks();
  // Block edits driven by the canvas and the main window's actions.
  void groupSelection();
  void ungroupSelection();
  // Expands the selected collapsed blocks, or collapses the selected frames / the block of the
  // current node.
  void toggleSelectedBlocks();
  // Inserts a palette block ("block:TYPE" fed by the outputs of the selected items, or
  // "userblock:PATH") at `pos` and selects it.
  nc::BlockId insertBlockSpec(const QString& spec, QPointF pos);
  // First outputs of the selected items (nodes, or blocks' first outputs), left to right.
  std::vector<nc::PortRef> selectedOutputs() const;
  // The node the inspector and tensor view follow: the last one clicked or selected alone.
  nc::NodeId currentNode() const { return current_; }
  // Detailed nodes pan fastest as cached pixmaps (DeviceCoordinateCache); zoomed far out the
  // cache costs more than drawing boxes. Views switch this with their zoom.
  void setItemCaching(bool on);
  bool itemCaching() const { return itemCaching_; }
  // Deletes selected nodes and disconnects selected edges (one undo step).
  void deleteSelection();

  // The input port a wire being dragged would connect to (highlighted), if any.
  std::optional<nc::PortRef> wireTarget() const override { return wireTarget_; }

  // Node thumbnails by (node, output version), bounded in memory (least recently used go).
  const QImage* cachedThumbnail(nc::NodeId id, quint64 version) const override;
  void cacheThumbnail(nc::NodeId id, quint64 version, const QImage& img) override;

  // Bounding rectangle of all nodes (empty scene: a default rectangle around the origin).
  QRectF contentRect() const;
  QImage renderImage(double scale = 1.0);
  // .svg -> SVG (QSvgGenerator), anything else -> raster image. Returns false on write error.
  bool exportImage(const QString& path);

 Q_SIGNALS:
  void currentNodeChanged(nc::NodeId id);
  void currentBlockChanged(nc::BlockId id);
  // The user asked to save a block to the library (the main window asks for a name).
  void saveBlockRequested(nc::BlockId id);
  // The user asked to rename a block (the main window focuses the block inspector's name).
  void renameBlockRequested(nc::BlockId id);
  // A block was expanded by a gesture: views bring its frame into sight.
  void showRectRequested(const QRectF& sceneRect);
  void statusMessage(const QString& text);

 protected:
  void drawBackground(QPainter* p, const QRectF& rect) override;
  void mousePressEvent(QGraphicsSceneMouseEvent* e) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* e) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* e) override;
  // Double click: a block expands; a frame's title collapses it.
  void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* e) override;
  void dragEnterEvent(QGraphicsSceneDragDropEvent* e) override;
  void dragMoveEvent(QGraphicsSceneDragDropEvent* e) override;
  void dropEvent(QGraphicsSceneDragDropEvent* e) override;
  // Right click: on empty canvas an "Add" menu by category; on a node Duplicate/Delete and
  // disconnecting its inputs; on a connection Disconnect.
  void contextMenuEvent(QGraphicsSceneContextMenuEvent* e) override;

 private:
  void rebuild();
  void addNodeItem(nc::NodeId id);
  void removeNodeItem(nc::NodeId id);
  void addEdgeItem(const nc::ConnectionId& c);
  void removeEdgeItem(const nc::ConnectionId& c);
  void updateEdges(nc::NodeId id);
  void updateEdge(EdgeItem* e);
  void onShapesChanged();
  void refreshEdges();
  void onEvaluated();
  void scheduleSceneRect();
  NodeItem* nodeAt(QPointF scenePos) const;
  BlockItem* blockItemAt(QPointF scenePos) const;
  BlockFrame* frameTitleAt(QPointF scenePos) const;
  void updateFrames();
  void updateCurrentBlock();
  void scheduleBlockSync();
  // Mouse presses: start a wire at a port (false: no port there), or a drag of the selection.
  bool beginWire(QGraphicsSceneMouseEvent* e);
  void beginBlockDrag(QGraphicsItem* item, nc::BlockId id, bool additive);
  void beginNodeDrag(NodeItem* n, QGraphicsSceneMouseEvent* e);
  // Context menu entries for a block, a node, and empty canvas at `at`.
  void addBlockActions(QMenu& menu, nc::BlockId id);
  void addNodeActions(QMenu& menu, NodeItem* n);
  void addCreateActions(QMenu& menu, QPointF at);
  // Nearest port of a given direction within `radius` of scenePos.
  std::optional<nc::PortRef> portNear(QPointF scenePos, bool input, double radius) const;

  Document* doc_;
  CanvasTheme theme_;
  QFont nodeFont_, nodeFontBold_, nodeFontSmall_;
  std::unordered_map<nc::NodeId, NodeItem*> nodes_;
  std::map<nc::BlockId, BlockItem*> blockItems_;
  std::map<nc::BlockId, BlockFrame*> frames_;
  bool blocksDirty_ = false;
  QTimer blockSyncTimer_;
  nc::BlockId currentBlock_ = nc::kNoBlock;
  std::map<nc::ConnectionId, EdgeItem*> edges_;
  std::unordered_map<nc::NodeId, std::vector<EdgeItem*>> edgesOf_;
  std::unordered_map<nc::NodeId, quint64> seenVersion_;
  std::set<nc::NodeId> evalErrorNodes_;  // nodes with an evaluation error in the last result
  quint64 shapesSeen_ = 0;               // Document::shapesGeneration() the items show
  nc::NodeId current_ = nc::kNoNode;
  QTimer sceneRectTimer_;
  bool itemCaching_ = true;
  struct Thumb {
    quint64 version;
    QImage image;
  };
  mutable QCache<nc::NodeId, Thumb> thumbs_;

  // Gestures.
  enum class Drag { None, Nodes, Wire };
  Drag drag_ = Drag::None;
  int dragId_ = -1;
  QPointF pressPos_;
  std::map<nc::NodeId, QPointF> dragStart_;
  std::map<nc::BlockId, QPointF> blockDragStart_;
  nc::NodeId pressedNode_ = nc::kNoNode;
  bool dragMoved_ = false;
  nc::PortRef wireFrom_;                     // output port the wire starts at
  std::optional<nc::PortRef> wireDetached_;  // input port the wire was pulled off
  QGraphicsPathItem* wire_ = nullptr;
  std::optional<nc::PortRef> wireTarget_;
  void setWireTarget(std::optional<nc::PortRef> t);
};

}  // namespace ncui
