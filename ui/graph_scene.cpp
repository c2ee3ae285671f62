#include "ui/graph_scene.h"

#include <QFileInfo>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <cmath>
#include <set>

#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/node_item.h"
#include "ui/scene_image_export.h"

namespace ncui {

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
  return renderSceneImage(*this, contentRect().adjusted(-40, -40, 40, 40), theme_.background,
                          scale);
}

bool GraphScene::exportImage(const QString& path) {
  if (QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) != 0)
    return renderImage(2.0).save(path);
  // Vector output: paint the items directly, not their cached pixmaps.
  const bool caching = itemCaching_;
  setItemCaching(false);
  const bool ok =
      writeSceneSvg(*this, contentRect().adjusted(-40, -40, 40, 40), theme_.background, path);
  setItemCaching(caching);
  return ok;
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

}  // namespace ncui
