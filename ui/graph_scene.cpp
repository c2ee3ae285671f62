#include "ui/graph_scene.h"

#include <QFileInfo>
#include <QGraphicsPathItem>
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>
#include <cmath>
#include <set>

#include "core/ops/registry.h"
#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/node_item.h"

namespace ncui {

namespace {
constexpr char kOpMime[] = "application/x-netcanvas-op";
}

GraphScene::GraphScene(Document* doc, QObject* parent)
    : QGraphicsScene(parent), doc_(doc), theme_(CanvasTheme::light()) {
  nodeFont_ = QFont();
  nodeFont_.setPointSizeF(8.5);
  nodeFontBold_ = nodeFont_;
  nodeFontBold_.setBold(true);
  nodeFontSmall_ = nodeFont_;
  nodeFontSmall_.setPointSizeF(8.5 * 0.85);
  setItemIndexMethod(QGraphicsScene::BspTreeIndex);
  GraphSignals* s = doc_->graphSignals();
  connect(s, &GraphSignals::nodeAddedSignal, this, &GraphScene::addNodeItem);
  connect(s, &GraphSignals::nodeRemovedSignal, this, &GraphScene::removeNodeItem);
  connect(s, &GraphSignals::connectionAddedSignal, this, &GraphScene::addEdgeItem);
  connect(s, &GraphSignals::connectionRemovedSignal, this, &GraphScene::removeEdgeItem);
  // Block ports derive from nodes and connections: any structural change may move them.
  for (auto sig : {&GraphSignals::nodeAddedSignal, &GraphSignals::nodeRemovedSignal})
    connect(s, sig, this, [this] {
      if (!doc_->graph().blocks().empty() || !blockItems_.empty()) scheduleBlockSync();
    });
  for (auto sig : {&GraphSignals::connectionAddedSignal, &GraphSignals::connectionRemovedSignal})
    connect(s, sig, this, [this] {
      if (!doc_->graph().blocks().empty() || !blockItems_.empty()) scheduleBlockSync();
    });
  connect(s, &GraphSignals::blockChangedSignal, this, [this](nc::BlockId id) {
    // A moved block follows at once (drags); everything else waits for the end of the command.
    if (BlockItem* b = blockItem(id)) {
      const nc::Block* m = doc_->graph().findBlock(id);
      if (m && m->collapsed && b->pos() != QPointF(m->x, m->y)) {
        b->setPos(m->x, m->y);
        for (auto& [c, e] : edges_) updateEdge(e);
      }
    }
    scheduleBlockSync();
  });
  // Every command ends here (push, undo, redo): block items follow the model in one pass.
  connect(doc_->undoStack(), &QUndoStack::indexChanged, this, [this] {
    if (blocksDirty_) syncBlocks();
  });
  blockSyncTimer_.setSingleShot(true);
  blockSyncTimer_.setInterval(0);
  connect(&blockSyncTimer_, &QTimer::timeout, this, [this] {
    if (blocksDirty_) syncBlocks();
  });
  connect(s, &GraphSignals::nodeChangedSignal, this, [this](nc::NodeId id) {
    if (NodeItem* n = nodeItem(id)) n->refresh();
    updateEdges(id);
  });
  connect(s, &GraphSignals::nodeMovedSignal, this, [this](nc::NodeId id) {
    if (NodeItem* n = nodeItem(id)) {
      const nc::Node& m = doc_->graph().node(id);
      n->setPos(m.x, m.y);
      updateEdges(id);
      scheduleSceneRect();
      if (!frames_.empty()) updateFrames();
    }
  });
  connect(s, &GraphSignals::graphReset, this, &GraphScene::rebuild);
  connect(doc_, &Document::shapesChanged, this, &GraphScene::onShapesChanged);
  connect(doc_, &Document::evaluated, this, &GraphScene::onEvaluated);
  connect(this, &QGraphicsScene::selectionChanged, this, [this] {
    updateCurrentBlock();
    auto sel = selectedNodes();
    nc::NodeId next = current_;
    if (sel.size() == 1)
      next = sel.front();
    else if (sel.empty())
      next = nc::kNoNode;
    else if (std::find(sel.begin(), sel.end(), current_) == sel.end())
      next = sel.back();
    if (next != current_) {
      current_ = next;
      Q_EMIT currentNodeChanged(current_);
    }
  });
  thumbs_.setMaxCost(64 * 1024);  // KiB of thumbnails
  sceneRectTimer_.setSingleShot(true);
  sceneRectTimer_.setInterval(50);
  connect(&sceneRectTimer_, &QTimer::timeout, this, [this] {
    QRectF r = contentRect();
    double m = std::max(2000.0, std::max(r.width(), r.height()) * 0.5);
    setSceneRect(r.adjusted(-m, -m, m, m));
  });
  rebuild();
}

GraphScene::~GraphScene() {
  // Items reference the document; drop them while it is alive, telling nobody (the views and
  // panels listening may already be gone).
  blockSignals(true);
  clear();
}

void GraphScene::setDarkTheme(bool dark) {
  theme_ = dark ? CanvasTheme::darkTheme() : CanvasTheme::light();
  setBackgroundBrush(theme_.background);
  // Items cache their drawing (DeviceCoordinateCache): each must repaint in the new colours.
  for (auto& [id, n] : nodes_) n->update();
  for (auto& [c, e] : edges_) e->update();
  for (auto& [id, b] : blockItems_) b->update();
  for (auto& [id, f] : frames_) f->update();
  update();
}

NodeItem* GraphScene::nodeItem(nc::NodeId id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

EdgeItem* GraphScene::edgeItem(const nc::ConnectionId& c) const {
  auto it = edges_.find(c);
  return it == edges_.end() ? nullptr : it->second;
}

const QImage* GraphScene::cachedThumbnail(nc::NodeId id, quint64 version) const {
  Thumb* t = thumbs_.object(id);
  return t && t->version == version ? &t->image : nullptr;
}

void GraphScene::cacheThumbnail(nc::NodeId id, quint64 version, const QImage& img) {
  thumbs_.insert(id, new Thumb{version, img}, std::max<qsizetype>(1, img.sizeInBytes() / 1024));
}

BlockItem* GraphScene::blockItem(nc::BlockId id) const {
  auto it = blockItems_.find(id);
  return it == blockItems_.end() ? nullptr : it->second;
}

BlockFrame* GraphScene::blockFrame(nc::BlockId id) const {
  auto it = frames_.find(id);
  return it == frames_.end() ? nullptr : it->second;
}

size_t GraphScene::visibleItemCount() const {
  size_t n = blockItems_.size();
  for (auto& [id, item] : nodes_) n += item->isVisible() ? 1 : 0;
  return n;
}

size_t GraphScene::visibleEdgeCount() const {
  size_t n = 0;
  for (auto& [c, e] : edges_) n += e->isVisible() ? 1 : 0;
  return n;
}

std::vector<QRectF> GraphScene::visibleItemRects() const {
  std::vector<QRectF> r;
  for (auto& [id, item] : nodes_)
    if (item->isVisible())
      r.push_back(
          item->mapRectToScene(QRectF(0, 0, NodeItem::kWidth, item->boundingRect().height() - 2)));
  for (auto& [id, item] : blockItems_)
    r.push_back(
        item->mapRectToScene(QRectF(0, 0, BlockItem::kWidth, item->boundingRect().height() - 7)));
  return r;
}

// A port of a node hidden in a collapsed block is drawn at the block's port that shows it.
QPointF GraphScene::inputPortScenePos(nc::PortRef p) const {
  nc::BlockId vb = doc_->graph().visibleBlock(p.node);
  if (vb != nc::kNoBlock)
    if (BlockItem* b = blockItem(vb))
      return b->mapToScene(b->inputPortPos(std::max(0, b->inputIndexOf(p))));
  NodeItem* n = nodeItem(p.node);
  return n ? n->mapToScene(n->inputPortPos(p.port)) : QPointF();
}

QPointF GraphScene::outputPortScenePos(nc::PortRef p) const {
  nc::BlockId vb = doc_->graph().visibleBlock(p.node);
  if (vb != nc::kNoBlock)
    if (BlockItem* b = blockItem(vb))
      return b->mapToScene(b->outputPortPos(std::max(0, b->outputIndexOf(p))));
  NodeItem* n = nodeItem(p.node);
  return n ? n->mapToScene(n->outputPortPos(p.port)) : QPointF();
}

void GraphScene::scheduleBlockSync() {
  blocksDirty_ = true;
  if (!blockSyncTimer_.isActive()) blockSyncTimer_.start();
}

void GraphScene::syncBlocks() {
  blocksDirty_ = false;
  const nc::Graph& g = doc_->graph();
  std::set<nc::BlockId> wantItem, wantFrame;
  for (auto& [id, b] : g.blocks()) {
    bool hidden = false;
    for (nc::BlockId p = b.parent; p != nc::kNoBlock && !hidden;) {
      const nc::Block* pb = g.findBlock(p);
      if (!pb) break;
      hidden = pb->collapsed;
      p = pb->parent;
    }
    if (!hidden) (b.collapsed ? wantItem : wantFrame).insert(id);
  }
  bool selectionLost = false;
  for (auto it = blockItems_.begin(); it != blockItems_.end();) {
    if (wantItem.count(it->first)) {
      ++it;
      continue;
    }
    selectionLost = selectionLost || it->second->isSelected();
    delete it->second;
    it = blockItems_.erase(it);
  }
  for (auto it = frames_.begin(); it != frames_.end();) {
    if (wantFrame.count(it->first)) {
      ++it;
      continue;
    }
    selectionLost = selectionLost || it->second->isSelected();
    delete it->second;
    it = frames_.erase(it);
  }
  for (nc::BlockId id : wantItem) {
    BlockItem*& item = blockItems_[id];
    if (!item) {
      item = new BlockItem(*doc_, *this, id);
      if (itemCaching_) item->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
      addItem(item);
    } else {
      item->refresh();
    }
    const nc::Block& b = g.block(id);
    item->setPos(b.x, b.y);
  }
  for (nc::BlockId id : wantFrame) {
    BlockFrame*& f = frames_[id];
    if (!f) {
      f = new BlockFrame(*doc_, *this, id);
      addItem(f);
    } else {
      f->refresh();
    }
  }
  for (auto& [id, item] : nodes_) {
    bool visible = g.visibleBlock(id) == nc::kNoBlock;
    if (item->isVisible() != visible) {
      if (!visible) item->setSelected(false);
      item->setVisible(visible);
    }
  }
  for (auto& [c, e] : edges_) updateEdge(e);
  updateFrames();
  scheduleSceneRect();
  if (selectionLost) Q_EMIT selectionChanged();
  updateCurrentBlock();
}

void GraphScene::updateFrames() {
  if (frames_.empty()) return;
  const nc::Graph& g = doc_->graph();
  // Innermost frames first: an outer frame encloses the inner ones.
  std::vector<std::pair<int, nc::BlockId>> order;
  for (auto& [id, f] : frames_) {
    int depth = 0;
    for (nc::BlockId p = g.block(id).parent; p != nc::kNoBlock; p = g.block(p).parent) ++depth;
    order.push_back({-depth, id});
  }
  std::sort(order.begin(), order.end());
  for (auto& [d, id] : order) {
    QRectF r;
    for (nc::NodeId n : g.blockNodes(id))
      if (NodeItem* item = nodeItem(n); item && item->isVisible())
        r |=
            item->mapRectToScene(QRectF(0, 0, NodeItem::kWidth, item->boundingRect().height() - 2));
    for (auto& [bid, item] : blockItems_)
      if (bid != id && g.blockInBlock(bid, id)) r |= item->sceneBoundingRect();
    for (auto& [fid, f] : frames_)
      if (fid != id && g.blockInBlock(fid, id)) r |= f->sceneBoundingRect();
    if (r.isNull()) {
      const nc::Block& b = g.block(id);
      r = QRectF(b.x, b.y, NodeItem::kWidth, 60);
    }
    frames_[id]->setContentRect(r);
  }
}

void GraphScene::updateCurrentBlock() {
  nc::BlockId next = nc::kNoBlock;
  auto blocks = selectedBlocks();
  if (blocks.size() == 1 && selectedNodes().empty()) next = blocks.front();
  if (next != currentBlock_) {
    currentBlock_ = next;
    Q_EMIT currentBlockChanged(currentBlock_);
  }
}

void GraphScene::rebuild() {
  drag_ = Drag::None;
  wire_ = nullptr;
  clear();
  nodes_.clear();
  blockItems_.clear();
  frames_.clear();
  edges_.clear();
  edgesOf_.clear();
  seenVersion_.clear();
  thumbs_.clear();
  const nc::Graph& g = doc_->graph();
  for (nc::NodeId id : g.nodeIds()) addNodeItem(id);
  for (const nc::ConnectionId& c : g.connections()) addEdgeItem(c);
  syncBlocks();
  evalErrorNodes_.clear();
  if (current_ != nc::kNoNode) {
    current_ = nc::kNoNode;
    Q_EMIT currentNodeChanged(current_);
  }
  // The items were built from the current shapes; only the edges' error state is left.
  shapesSeen_ = doc_->shapesGeneration();
  refreshEdges();
  QRectF r = contentRect();
  double m = std::max(2000.0, std::max(r.width(), r.height()) * 0.5);
  setSceneRect(r.adjusted(-m, -m, m, m));
}

void GraphScene::setItemCaching(bool on) {
  if (on == itemCaching_) return;
  itemCaching_ = on;
  for (auto& [id, item] : nodes_)
    item->setCacheMode(on ? QGraphicsItem::DeviceCoordinateCache : QGraphicsItem::NoCache);
  for (auto& [id, item] : blockItems_)
    item->setCacheMode(on ? QGraphicsItem::DeviceCoordinateCache : QGraphicsItem::NoCache);
}

void GraphScene::addNodeItem(nc::NodeId id) {
  if (nodes_.count(id)) return;
  auto* item = new NodeItem(*doc_, *this, id);
  if (itemCaching_) item->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
  const nc::Node& n = doc_->graph().node(id);
  item->setPos(n.x, n.y);
  if (n.block != nc::kNoBlock && doc_->graph().visibleBlock(id) != nc::kNoBlock)
    item->setVisible(false);
  addItem(item);
  nodes_[id] = item;
  scheduleSceneRect();
}

void GraphScene::removeNodeItem(nc::NodeId id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  // Connections were removed (and notified) before the node.
  delete it->second;
  nodes_.erase(it);
  edgesOf_.erase(id);
  seenVersion_.erase(id);
  thumbs_.remove(id);
  if (current_ == id) {
    current_ = nc::kNoNode;
    Q_EMIT currentNodeChanged(current_);
  }
}

void GraphScene::addEdgeItem(const nc::ConnectionId& c) {
  if (edges_.count(c)) return;
  auto* e = new EdgeItem(c, *this);
  addItem(e);
  edges_[c] = e;
  edgesOf_[c.from.node].push_back(e);
  edgesOf_[c.to.node].push_back(e);
  updateEdge(e);
  // Port fills (bound/unbound) follow in onShapesChanged, which every command triggers.
}

void GraphScene::removeEdgeItem(const nc::ConnectionId& c) {
  auto it = edges_.find(c);
  if (it == edges_.end()) return;
  EdgeItem* e = it->second;
  for (nc::NodeId id : {c.from.node, c.to.node}) {
    auto& v = edgesOf_[id];
    v.erase(std::remove(v.begin(), v.end(), e), v.end());
  }
  edges_.erase(it);
  delete e;
}

void GraphScene::updateEdge(EdgeItem* e) {
  const nc::ConnectionId& c = e->connection();
  const nc::Graph& g = doc_->graph();
  // A connection inside one collapsed block is not drawn.
  nc::BlockId fb = g.visibleBlock(c.from.node);
  bool inside = fb != nc::kNoBlock && fb == g.visibleBlock(c.to.node);
  if (inside != !e->isVisible()) e->setVisible(!inside);
  if (inside) return;
  e->setEndpoints(outputPortScenePos(c.from), inputPortScenePos(c.to));
}

void GraphScene::updateEdges(nc::NodeId id) {
  auto it = edgesOf_.find(id);
  if (it == edgesOf_.end()) return;
  for (EdgeItem* e : it->second) updateEdge(e);
}

void GraphScene::onShapesChanged() {
  if (shapesSeen_ == doc_->shapesGeneration()) return;
  shapesSeen_ = doc_->shapesGeneration();
  for (auto& [id, item] : nodes_) item->refresh();
  for (auto& [id, item] : blockItems_) item->refresh();
  refreshEdges();
}

void GraphScene::refreshEdges() {
  const nc::ShapeInfo& si = doc_->shapes();
  std::unordered_map<nc::NodeId, const nc::Diagnostic*> diag;
  for (const nc::Diagnostic& d : si.diagnostics) diag.emplace(d.node, &d);
  for (auto& [c, e] : edges_) {
    auto it = diag.find(c.to.node);
    bool bad = it != diag.end() && it->second->input == c.to.port;
    e->setError(bad ? QString::fromStdString(it->second->message) : QString());
    if (!bad) {
      // Which ports it joins and the type it carries.
      const nc::Graph& g = doc_->graph();
      const nc::TensorType* t = si.type(c.from);
      e->setToolTip(QString("%1 → %2%3")
                        .arg(QString::fromStdString(g.node(c.from.node).name),
                             QString::fromStdString(g.node(c.to.node).name))
                        .arg(t ? "\n" + QString::fromStdString(t->toString()) : QString()));
    }
    updateEdge(e);  // port rows may have moved
  }
}

void GraphScene::onEvaluated() {
  EvalService* ev = doc_->evaluation();
  std::set<nc::NodeId> errorNodes;
  for (const nc::Diagnostic& d : ev->lastReport().errors) errorNodes.insert(d.node);
  // Badges of nodes whose evaluation error appeared or went away.
  for (nc::NodeId id : errorNodes)
    if (NodeItem* n = nodeItem(id)) n->refresh();
  for (nc::NodeId id : evalErrorNodes_)
    if (!errorNodes.count(id))
      if (NodeItem* n = nodeItem(id)) n->refresh();
  evalErrorNodes_ = std::move(errorNodes);
  for (auto& [id, item] : blockItems_) item->refresh();  // previews and error badges
  // Thumbnails of nodes whose outputs changed (re-rendered lazily when painted).
  for (auto& [id, item] : nodes_) {
    quint64 v = ev->nodeVersion(id);
    auto& seen = seenVersion_[id];
    if (v != seen) {
      seen = v;
      item->outputChanged();
    }
  }
}

void GraphScene::scheduleSceneRect() {
  if (!sceneRectTimer_.isActive()) sceneRectTimer_.start();
}

QRectF GraphScene::contentRect() const {
  QRectF r;
  for (auto& [id, item] : nodes_)
    if (item->isVisible()) r |= item->sceneBoundingRect();
  for (auto& [id, item] : blockItems_) r |= item->sceneBoundingRect();
  for (auto& [id, f] : frames_) r |= f->sceneBoundingRect();
  if (r.isNull()) r = QRectF(-400, -300, 800, 600);
  return r;
}

std::vector<nc::NodeId> GraphScene::selectedNodes() const {
  std::vector<nc::NodeId> ids;
  for (QGraphicsItem* i : selectedItems())
    if (i->type() == NodeItem::Type) ids.push_back(static_cast<NodeItem*>(i)->nodeId());
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<nc::BlockId> GraphScene::selectedBlocks() const {
  std::vector<nc::BlockId> ids;
  for (QGraphicsItem* i : selectedItems()) {
    if (i->type() == BlockItem::Type) ids.push_back(static_cast<BlockItem*>(i)->blockId());
    if (i->type() == BlockFrame::Type) ids.push_back(static_cast<BlockFrame*>(i)->blockId());
  }
  const nc::Graph& g = doc_->graph();
  std::vector<nc::BlockId> outer;
  for (nc::BlockId b : ids) {
    bool nested = false;
    for (nc::BlockId o : ids) nested = nested || (o != b && g.blockInBlock(b, o));
    if (!nested) outer.push_back(b);
  }
  std::sort(outer.begin(), outer.end());
  return outer;
}

std::vector<nc::NodeId> GraphScene::selectedNodesDeep() const {
  std::set<nc::NodeId> all;
  for (nc::NodeId id : selectedNodes()) all.insert(id);
  for (nc::BlockId b : selectedBlocks())
    for (nc::NodeId id : doc_->graph().blockNodes(b)) all.insert(id);
  return {all.begin(), all.end()};
}

void GraphScene::selectBlocks(const std::vector<nc::BlockId>& ids) {
  blockSignals(true);
  clearSelection();
  for (nc::BlockId id : ids) {
    if (BlockItem* b = blockItem(id)) b->setSelected(true);
    if (BlockFrame* f = blockFrame(id)) f->setSelected(true);
  }
  blockSignals(false);
  Q_EMIT selectionChanged();
}

void GraphScene::selectShown(const std::vector<nc::NodeId>& ids) {
  syncBlocks();
  blockSignals(true);
  clearSelection();
  const nc::Graph& g = doc_->graph();
  for (nc::NodeId id : ids) {
    nc::BlockId b = g.visibleBlock(id);
    if (b != nc::kNoBlock) {
      if (BlockItem* item = blockItem(b)) item->setSelected(true);
    } else if (NodeItem* n = nodeItem(id)) {
      n->setSelected(true);
    }
  }
  blockSignals(false);
  Q_EMIT selectionChanged();
}

void GraphScene::groupSelection() {
  auto nodes = selectedNodesDeep();
  nc::BlockId b = doc_->groupNodes(nodes);
  if (b != nc::kNoBlock) selectBlocks({b});
}

void GraphScene::ungroupSelection() {
  auto blocks = selectedBlocks();
  if (blocks.empty()) {
    // The block of the current node.
    if (const nc::Node* n = doc_->graph().findNode(current_); n && n->block != nc::kNoBlock)
      blocks.push_back(n->block);
  }
  if (blocks.empty()) {
    Q_EMIT statusMessage(tr("Select a block to ungroup"));
    return;
  }
  std::vector<nc::NodeId> inside;
  for (nc::BlockId b : blocks)
    for (nc::NodeId id : doc_->graph().blockNodes(b, false)) inside.push_back(id);
  QUndoStack* st = doc_->undoStack();
  if (blocks.size() > 1) st->beginMacro(tr("Ungroup %1 blocks").arg(blocks.size()));
  for (nc::BlockId b : blocks) doc_->ungroupBlock(b);
  if (blocks.size() > 1) st->endMacro();
  syncBlocks();
  selectNodes(inside);
}

void GraphScene::toggleSelectedBlocks() {
  auto blocks = selectedBlocks();
  if (blocks.empty()) {
    if (const nc::Node* n = doc_->graph().findNode(current_); n && n->block != nc::kNoBlock) {
      doc_->setBlockCollapsed(n->block, true);
      syncBlocks();
      selectBlocks({n->block});
    }
    return;
  }
  QUndoStack* st = doc_->undoStack();
  if (blocks.size() > 1) st->beginMacro(tr("Expand/collapse %1 blocks").arg(blocks.size()));
  for (nc::BlockId b : blocks) doc_->setBlockCollapsed(b, !doc_->graph().block(b).collapsed);
  if (blocks.size() > 1) st->endMacro();
  syncBlocks();
  selectBlocks(blocks);
}

std::vector<nc::PortRef> GraphScene::selectedOutputs() const {
  const nc::Graph& g = doc_->graph();
  std::vector<std::pair<double, nc::PortRef>> outs;
  for (nc::NodeId id : selectedNodes())
    if (g.node(id).numOutputs > 0) outs.push_back({g.node(id).x, {id, 0}});
  for (nc::BlockId b : selectedBlocks()) {
    nc::BlockPorts ports = g.blockPorts(b);
    if (!ports.outputs.empty()) outs.push_back({g.block(b).x, ports.outputs.front()});
  }
  std::stable_sort(outs.begin(), outs.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<nc::PortRef> r;
  for (auto& [x, p] : outs) r.push_back(p);
  return r;
}

nc::BlockId GraphScene::insertBlockSpec(const QString& spec, QPointF pos) {
  nc::BlockId b = nc::kNoBlock;
  if (spec.startsWith("block:"))
    b = doc_->insertLibraryBlock(spec.mid(6), pos, selectedOutputs());
  else if (spec.startsWith("userblock:"))
    b = doc_->insertUserBlock(spec.mid(10), pos);
  if (b != nc::kNoBlock) {
    syncBlocks();
    selectBlocks({b});
  }
  return b;
}

std::vector<nc::ConnectionId> GraphScene::selectedConnections() const {
  std::vector<nc::ConnectionId> cs;
  for (QGraphicsItem* i : selectedItems())
    if (i->type() == EdgeItem::Type) cs.push_back(static_cast<EdgeItem*>(i)->connection());
  return cs;
}

void GraphScene::selectNodes(const std::vector<nc::NodeId>& ids) {
  blockSignals(true);
  clearSelection();
  for (nc::NodeId id : ids)
    if (NodeItem* n = nodeItem(id)) n->setSelected(true);
  blockSignals(false);
  Q_EMIT selectionChanged();
}

void GraphScene::deleteSelection() {
  auto nodes = selectedNodes();
  auto conns = selectedConnections();
  auto blocks = selectedBlocks();
  std::set<nc::NodeId> gone(nodes.begin(), nodes.end());
  for (nc::BlockId b : blocks)
    for (nc::NodeId id : doc_->graph().blockNodes(b)) gone.insert(id);
  if (!blocks.empty()) {
    QUndoStack* st = doc_->undoStack();
    st->beginMacro(tr("Delete selection"));
    for (auto& c : conns)
      if (!gone.count(c.from.node) && !gone.count(c.to.node)) doc_->disconnectPort(c.to);
    std::vector<nc::NodeId> loose;
    for (nc::NodeId id : nodes)
      if (doc_->graph().contains(id)) loose.push_back(id);
    for (nc::BlockId b : blocks) doc_->deleteBlock(b);
    std::vector<nc::NodeId> rest;
    for (nc::NodeId id : loose)
      if (doc_->graph().contains(id)) rest.push_back(id);
    if (!rest.empty()) doc_->deleteNodes(rest);
    st->endMacro();
    return;
  }
  std::vector<nc::ConnectionId> edgesOnly;
  for (auto& c : conns)
    if (!gone.count(c.from.node) && !gone.count(c.to.node)) edgesOnly.push_back(c);
  if (nodes.empty() && edgesOnly.empty()) return;
  QUndoStack* st = doc_->undoStack();
  bool macro = !edgesOnly.empty() && (edgesOnly.size() > 1 || !nodes.empty());
  if (macro) st->beginMacro(tr("Delete selection"));
  for (auto& c : edgesOnly) doc_->disconnectPort(c.to);
  if (!nodes.empty()) doc_->deleteNodes(nodes);
  if (macro) st->endMacro();
}

QImage GraphScene::renderImage(double scale) {
  QRectF src = contentRect().adjusted(-40, -40, 40, 40);
  QSize size((src.size() * scale).toSize());
  size = size.boundedTo(QSize(16000, 16000));
  QImage img(size, QImage::Format_ARGB32_Premultiplied);
  img.fill(theme_.background);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  render(&p, QRectF(QPointF(0, 0), QSizeF(size)), src);
  return img;
}

bool GraphScene::exportImage(const QString& path) {
  if (QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) == 0) {
    // Vector output: paint the items directly, not their cached pixmaps.
    bool caching = itemCaching_;
    setItemCaching(false);
    struct Restore {
      GraphScene* s;
      bool on;
      ~Restore() { s->setItemCaching(on); }
    } restore{this, caching};
    QRectF src = contentRect().adjusted(-40, -40, 40, 40);
    QSvgGenerator gen;
    gen.setFileName(path);
    gen.setSize(src.size().toSize());
    gen.setViewBox(QRectF(QPointF(0, 0), src.size()));
    gen.setTitle("NetCanvas graph");
    QPainter p;
    if (!p.begin(&gen)) return false;
    p.fillRect(QRectF(QPointF(0, 0), src.size()), theme_.background);
    render(&p, QRectF(QPointF(0, 0), src.size()), src);
    return p.end() && QFileInfo(path).size() > 0;
  }
  return renderImage(2.0).save(path);
}

// ---- background grid ----

void GraphScene::drawBackground(QPainter* p, const QRectF& rect) {
  p->fillRect(rect, theme_.background);
  double lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(p->worldTransform());
  auto drawGrid = [&](double step, const QColor& c) {
    if (step * lod < 8) return;  // too dense to be useful
    QVector<QLineF> lines;
    double left = std::floor(rect.left() / step) * step, top = std::floor(rect.top() / step) * step;
    for (double x = left; x < rect.right(); x += step)
      lines.append(QLineF(x, rect.top(), x, rect.bottom()));
    for (double y = top; y < rect.bottom(); y += step)
      lines.append(QLineF(rect.left(), y, rect.right(), y));
    p->setPen(QPen(c, 0));
    p->drawLines(lines);
  };
  p->setRenderHint(QPainter::Antialiasing, false);
  drawGrid(20, theme_.gridMinor);
  drawGrid(100, theme_.gridMajor);
}

// ---- gestures ----

NodeItem* GraphScene::nodeAt(QPointF pos) const {
  for (QGraphicsItem* i : items(QRectF(pos - QPointF(8, 8), QSizeF(16, 16)),
                                Qt::IntersectsItemBoundingRect, Qt::DescendingOrder))
    if (i->type() == NodeItem::Type && i->isVisible()) return static_cast<NodeItem*>(i);
  return nullptr;
}

BlockItem* GraphScene::blockItemAt(QPointF pos) const {
  for (QGraphicsItem* i : items(pos, Qt::IntersectsItemShape, Qt::DescendingOrder))
    if (i->type() == BlockItem::Type) {
      auto* b = static_cast<BlockItem*>(i);
      if (QRectF(0, 0, BlockItem::kWidth, b->boundingRect().height() - 7)
              .contains(b->mapFromScene(pos)))
        return b;
    }
  return nullptr;
}

BlockFrame* GraphScene::frameTitleAt(QPointF pos) const {
  BlockFrame* best = nullptr;
  for (auto& [id, f] : frames_)
    if (f->titleRect().contains(pos) && (!best || f->zValue() > best->zValue())) best = f;
  return best;
}

std::optional<nc::PortRef> GraphScene::portNear(QPointF pos, bool input, double radius) const {
  std::optional<nc::PortRef> best;
  double bestD = radius;
  QRectF area(pos - QPointF(radius, radius), QSizeF(2 * radius, 2 * radius));
  for (QGraphicsItem* i : items(area, Qt::IntersectsItemBoundingRect)) {
    if (i->type() == BlockItem::Type) {
      auto* b = static_cast<BlockItem*>(i);
      int count = input ? b->inputCount() : b->outputCount();
      for (int k = 0; k < count; ++k) {
        QPointF c = b->mapToScene(input ? b->inputPortPos(k) : b->outputPortPos(k));
        double d = QLineF(c, pos).length();
        if (d <= bestD) {
          bestD = d;
          best =
              input ? b->ports().inputs[size_t(k)].targets.front() : b->ports().outputs[size_t(k)];
        }
      }
      continue;
    }
    if (i->type() != NodeItem::Type || !i->isVisible()) continue;
    auto* n = static_cast<NodeItem*>(i);
    int count = input ? n->inputCount() : n->outputCount();
    for (int k = 0; k < count; ++k) {
      QPointF c = n->mapToScene(input ? n->inputPortPos(k) : n->outputPortPos(k));
      double d = QLineF(c, pos).length();
      if (d <= bestD) {
        bestD = d;
        best = nc::PortRef{n->nodeId(), k};
      }
    }
  }
  return best;
}

namespace {

// Scene units per screen pixel of the view the event came from (ports stay easy to hit when
// zoomed out).
double unitsPerPixel(QGraphicsSceneMouseEvent* e) {
  if (e->widget())
    if (auto* v = qobject_cast<QGraphicsView*>(e->widget()->parentWidget())) {
      double z = v->transform().m11();
      if (z > 0) return 1.0 / z;
    }
  return 1.0;
}

}  // namespace

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* e) {
  if (e->button() != Qt::LeftButton) {
    QGraphicsScene::mousePressEvent(e);
    return;
  }
  pressPos_ = e->scenePos();
  // Ports first: an output starts a wire; a connected input is picked up to re-route it.
  const double hit = std::max(9.0, 8 * unitsPerPixel(e));
  if (auto out = portNear(e->scenePos(), false, hit)) {
    drag_ = Drag::Wire;
    wireFrom_ = *out;
    wireDetached_.reset();
  } else if (auto in = portNear(e->scenePos(), true, hit)) {
    const nc::Node& n = doc_->graph().node(in->node);
    // A block's input port feeds several inside ports: it is not picked up as one wire.
    if (n.inputs[size_t(in->port)].source && doc_->graph().visibleBlock(in->node) == nc::kNoBlock) {
      drag_ = Drag::Wire;
      wireFrom_ = *n.inputs[size_t(in->port)].source;
      wireDetached_ = *in;
    }
  }
  if (drag_ == Drag::Wire) {
    wire_ = new QGraphicsPathItem;
    wire_->setPen(QPen(theme_.nodeSelected, 2, Qt::DashLine));
    wire_->setZValue(10);
    wire_->setPath(EdgeItem::curve(outputPortScenePos(wireFrom_), e->scenePos()));
    addItem(wire_);
    if (wireDetached_)
      if (EdgeItem* ed = edgeItem({wireFrom_, *wireDetached_})) ed->setVisible(false);
    e->accept();
    return;
  }
  BlockFrame* frame = nullptr;
  BlockItem* blk = blockItemAt(e->scenePos());
  NodeItem* n = blk ? nullptr : nodeAt(e->scenePos());
  if (n && !n->contains(n->mapFromScene(e->scenePos()))) n = nullptr;
  if (!blk && !n) frame = frameTitleAt(e->scenePos());
  if (frame && frame->toggleRect().contains(e->scenePos())) {
    nc::BlockId id = frame->blockId();
    doc_->setBlockCollapsed(id, true);
    syncBlocks();
    selectBlocks({id});
    e->accept();
    return;
  }
  if (blk || frame) {
    QGraphicsItem* item = blk ? static_cast<QGraphicsItem*>(blk) : frame;
    bool additive = e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    if (additive)
      item->setSelected(!item->isSelected());
    else if (!item->isSelected())
      selectBlocks({blk ? blk->blockId() : frame->blockId()});
    drag_ = Drag::Nodes;
    pressedNode_ = nc::kNoNode;
    dragMoved_ = false;
    dragId_ = doc_->newDragId();
    dragStart_.clear();
    blockDragStart_.clear();
    const nc::Graph& g = doc_->graph();
    for (nc::NodeId id : selectedNodes()) dragStart_[id] = QPointF(g.node(id).x, g.node(id).y);
    for (nc::BlockId b : selectedBlocks()) {
      const nc::Block& m = g.block(b);
      if (blockItem(b)) {
        blockDragStart_[b] = QPointF(m.x, m.y);
        continue;
      }
      // A frame moves everything shown inside it.
      for (nc::NodeId id : g.blockNodes(b))
        if (g.visibleBlock(id) == nc::kNoBlock)
          dragStart_[id] = QPointF(g.node(id).x, g.node(id).y);
      for (auto& [bid, item] : blockItems_)
        if (g.blockInBlock(bid, b)) blockDragStart_[bid] = QPointF(g.block(bid).x, g.block(bid).y);
      blockDragStart_[b] = QPointF(m.x, m.y);
    }
    e->accept();
    return;
  }
  if (n) {
    bool additive = e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    if (!n->isSelected() || additive) QGraphicsScene::mousePressEvent(e);  // selection rules
    if (!additive && !n->isSelected()) n->setSelected(true);
    if (current_ != n->nodeId() && n->isSelected()) {
      current_ = n->nodeId();
      Q_EMIT currentNodeChanged(current_);
    }
    drag_ = Drag::Nodes;
    pressedNode_ = additive ? nc::kNoNode : n->nodeId();
    dragMoved_ = false;
    dragId_ = doc_->newDragId();
    dragStart_.clear();
    blockDragStart_.clear();
    for (nc::BlockId b : selectedBlocks())
      if (blockItem(b))
        blockDragStart_[b] = QPointF(doc_->graph().block(b).x, doc_->graph().block(b).y);
    for (nc::NodeId id : selectedNodes()) {
      const nc::Node& m = doc_->graph().node(id);
      dragStart_[id] = QPointF(m.x, m.y);
    }
    e->accept();
    return;
  }
  QGraphicsScene::mousePressEvent(e);
}

void GraphScene::setWireTarget(std::optional<nc::PortRef> t) {
  if (t == wireTarget_) return;
  for (auto p : {wireTarget_, t})
    if (p) {
      if (NodeItem* n = nodeItem(p->node)) n->update();
      if (BlockItem* b = blockItem(doc_->graph().visibleBlock(p->node))) b->update();
    }
  wireTarget_ = t;
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* e) {
  if (drag_ == Drag::Wire && wire_) {
    QPointF end = e->scenePos();
    auto target = portNear(end, true, std::max(14.0, 12 * unitsPerPixel(e)));
    setWireTarget(target);
    if (target) end = inputPortScenePos(*target);
    wire_->setPath(EdgeItem::curve(outputPortScenePos(wireFrom_), end));
    e->accept();
    return;
  }
  if (drag_ == Drag::Nodes) {
    QPointF delta = e->scenePos() - pressPos_;
    if (delta.manhattanLength() < 1) return;
    std::map<nc::NodeId, QPointF> to;
    for (auto& [id, p] : dragStart_) to[id] = p + delta;
    std::map<nc::BlockId, QPointF> blocksTo;
    for (auto& [id, p] : blockDragStart_) blocksTo[id] = p + delta;
    dragMoved_ = true;
    doc_->moveNodes(to, dragId_, blocksTo);
    e->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(e);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* e) {
  if (drag_ == Drag::Wire) {
    drag_ = Drag::None;
    setWireTarget(std::nullopt);
    if (wire_) {
      removeItem(wire_);
      delete wire_;
      wire_ = nullptr;
    }
    auto target = portNear(e->scenePos(), true, std::max(14.0, 12 * unitsPerPixel(e)));
    if (wireDetached_)
      if (EdgeItem* ed = edgeItem({wireFrom_, *wireDetached_})) ed->setVisible(true);
    if (target && wireDetached_ && *target == *wireDetached_) {
      e->accept();
      return;  // put back where it was
    }
    QUndoStack* st = doc_->undoStack();
    if (wireDetached_) {
      st->beginMacro(target ? tr("Re-route connection") : tr("Disconnect"));
      doc_->disconnectPort(*wireDetached_);
    }
    if (target) {
      // A block's input port: connect every inside port it feeds.
      nc::BlockId vb = doc_->graph().visibleBlock(target->node);
      BlockItem* b = vb != nc::kNoBlock ? blockItem(vb) : nullptr;
      if (b && b->inputIndexOf(*target) >= 0)
        doc_->connectToBlock(wireFrom_, vb, b->inputIndexOf(*target));
      else
        doc_->connectPorts(wireFrom_, *target);  // a refusal is reported by Document::message
    }
    if (wireDetached_) st->endMacro();
    wireDetached_.reset();
    e->accept();
    return;
  }
  if (drag_ == Drag::Nodes) {
    drag_ = Drag::None;
    dragId_ = -1;
    // A plain click (no drag) on a node of a multi-selection selects just that node.
    if (!dragMoved_ && pressedNode_ != nc::kNoNode && selectedNodes().size() > 1)
      selectNodes({pressedNode_});
  }
  QGraphicsScene::mouseReleaseEvent(e);
}

void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* e) {
  if (e->button() == Qt::LeftButton) {
    if (BlockItem* b = blockItemAt(e->scenePos())) {
      nc::BlockId id = b->blockId();
      doc_->setBlockCollapsed(id, false);
      syncBlocks();
      selectBlocks({id});
      if (BlockFrame* f = blockFrame(id)) Q_EMIT showRectRequested(f->sceneBoundingRect());
      e->accept();
      return;
    }
    if (BlockFrame* f = frameTitleAt(e->scenePos())) {
      nc::BlockId id = f->blockId();
      doc_->setBlockCollapsed(id, true);
      syncBlocks();
      selectBlocks({id});
      e->accept();
      return;
    }
  }
  QGraphicsScene::mouseDoubleClickEvent(e);
}

// ---- palette drops ----

void GraphScene::dragEnterEvent(QGraphicsSceneDragDropEvent* e) {
  e->setAccepted(e->mimeData()->hasFormat(kOpMime));
}

void GraphScene::dragMoveEvent(QGraphicsSceneDragDropEvent* e) {
  e->setAccepted(e->mimeData()->hasFormat(kOpMime));
}

void GraphScene::dropEvent(QGraphicsSceneDragDropEvent* e) {
  if (!e->mimeData()->hasFormat(kOpMime)) {
    e->ignore();
    return;
  }
  QString op = QString::fromUtf8(e->mimeData()->data(kOpMime));
  if (op.startsWith("block:") || op.startsWith("userblock:")) {
    insertBlockSpec(op, e->scenePos() - QPointF(BlockItem::kWidth / 2, 20));
    e->acceptProposedAction();
    return;
  }
  nc::NodeId id = doc_->addNode(op, e->scenePos() - QPointF(NodeItem::kWidth / 2, 20));
  if (id != nc::kNoNode) selectNodes({id});
  e->acceptProposedAction();
}

// ---- context menu ----

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* e) {
  QMenu menu;
  QPointF at = e->scenePos();
  QGraphicsItem* hit = nullptr;
  for (QGraphicsItem* i : items(at))
    if ((i->type() == NodeItem::Type || i->type() == EdgeItem::Type) && i->isVisible()) {
      hit = i;
      break;
    }
  nc::BlockId blockHit = nc::kNoBlock;
  if (BlockItem* b = blockItemAt(at))
    blockHit = b->blockId();
  else if (!hit)
    if (BlockFrame* f = frameTitleAt(at)) blockHit = f->blockId();
  if (blockHit != nc::kNoBlock) {
    nc::BlockId id = blockHit;
    if (!(blockItem(id) && blockItem(id)->isSelected()) &&
        !(blockFrame(id) && blockFrame(id)->isSelected()))
      selectBlocks({id});
    bool collapsed = doc_->graph().block(id).collapsed;
    menu.addAction(collapsed ? tr("Expand") : tr("Collapse"), this, [this, id, collapsed] {
      doc_->setBlockCollapsed(id, !collapsed);
      syncBlocks();
      selectBlocks({id});
      if (BlockFrame* f = blockFrame(id)) Q_EMIT showRectRequested(f->sceneBoundingRect());
    });
    menu.addAction(tr("Rename…"), this, [this, id] { Q_EMIT renameBlockRequested(id); });
    menu.addAction(tr("Ungroup"), this, [this] { ungroupSelection(); });
    menu.addAction(tr("Save to Block Library…"), this,
                   [this, id] { Q_EMIT saveBlockRequested(id); });
    menu.addSeparator();
    menu.addAction(tr("Delete Block"), this, [this] { deleteSelection(); });
  } else if (hit && hit->type() == EdgeItem::Type) {
    nc::ConnectionId c = static_cast<EdgeItem*>(hit)->connection();
    menu.addAction(tr("Disconnect"), this, [this, c] { doc_->disconnectPort(c.to); });
  } else if (hit) {
    auto* n = static_cast<NodeItem*>(hit);
    if (!n->isSelected()) selectNodes({n->nodeId()});
    std::vector<nc::NodeId> sel = selectedNodes();
    menu.addAction(tr("Duplicate"), this, [this, sel] {
      auto ids = doc_->duplicate(sel);
      if (!ids.empty()) selectNodes(ids);
    });
    menu.addAction(tr("Delete"), this, [this] { deleteSelection(); });
    menu.addAction(tr("Group into Block"), this, [this] { groupSelection(); });
    const nc::Node& node = doc_->graph().node(n->nodeId());
    if (node.block != nc::kNoBlock) {
      nc::BlockId b = node.block;
      menu.addAction(
          tr("Collapse Block %1").arg(QString::fromStdString(doc_->graph().block(b).name)), this,
          [this, b] {
            doc_->setBlockCollapsed(b, true);
            syncBlocks();
            selectBlocks({b});
          });
    }
    const nc::OpSpec* spec = nc::findOp(node.op);
    if (spec && !spec->inputs.empty() && spec->inputs.back().variadic) {
      nc::NodeId id = n->nodeId();
      int count = int(node.inputs.size());
      menu.addAction(tr("Add Input"), this,
                     [this, id, count] { doc_->setInputCount(id, count + 1); });
      if (count > int(spec->inputs.size()))
        menu.addAction(tr("Remove Last Input"), this,
                       [this, id, count] { doc_->setInputCount(id, count - 1); });
    }
    bool anyInput = false;
    for (auto& in : node.inputs) anyInput = anyInput || in.source.has_value();
    if (anyInput) {
      nc::NodeId id = n->nodeId();
      menu.addAction(tr("Disconnect Inputs"), this, [this, id] {
        const nc::Node& m = doc_->graph().node(id);
        doc_->undoStack()->beginMacro(
            tr("Disconnect inputs of %1").arg(QString::fromStdString(m.name)));
        for (int i = 0; i < int(m.inputs.size()); ++i) doc_->disconnectPort({id, i});
        doc_->undoStack()->endMacro();
      });
    }
  } else {
    QMenu* add = menu.addMenu(tr("Add Node"));
    std::map<std::string, QMenu*> groups;
    for (const nc::OpSpec* s : nc::allOps()) {
      QMenu*& g = groups[s->category];
      if (!g) g = add->addMenu(QString::fromStdString(s->category.empty() ? "Other" : s->category));
      QString op = QString::fromStdString(s->type);
      g->addAction(QString::fromStdString(s->caption.empty() ? s->type : s->caption), this,
                   [this, op, at] {
                     nc::NodeId id = doc_->addNode(op, at - QPointF(NodeItem::kWidth / 2, 18));
                     if (id != nc::kNoNode) selectNodes({id});
                   });
    }
  }
  menu.exec(e->screenPos());
  e->accept();
}

}  // namespace ncui
