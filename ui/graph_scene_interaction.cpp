// GraphScene, gestures: hit tests, pressing and dragging nodes, blocks and frames (one merged
// move per drag), dragging wires from output ports to input ports (a connected input is picked
// up to re-route or detach it), double clicks on blocks, and palette drops.
#include <QGraphicsPathItem>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QMimeData>
#include <QUndoStack>

#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/graph_scene.h"
#include "ui/node_item.h"

namespace ncui {

namespace {
constexpr char kOpMime[] = "application/x-netcanvas-op";
}  // namespace

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

// Ports first: an output starts a wire; a connected input is picked up to re-route it.
bool GraphScene::beginWire(QGraphicsSceneMouseEvent* e) {
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
  if (drag_ != Drag::Wire) return false;
  wire_ = new QGraphicsPathItem;
  wire_->setPen(QPen(theme_.nodeSelected, 2, Qt::DashLine));
  wire_->setZValue(10);
  wire_->setPath(EdgeItem::curve(outputPortScenePos(wireFrom_), e->scenePos()));
  addItem(wire_);
  if (wireDetached_)
    if (EdgeItem* ed = edgeItem({wireFrom_, *wireDetached_})) ed->setVisible(false);
  return true;
}

// A block item or frame pressed: select it and start dragging the selection (a frame moves
// everything shown inside it).
void GraphScene::beginBlockDrag(QGraphicsItem* item, nc::BlockId id, bool additive) {
  if (additive)
    item->setSelected(!item->isSelected());
  else if (!item->isSelected())
    selectBlocks({id});
  drag_ = Drag::Nodes;
  pressedNode_ = nc::kNoNode;
  dragMoved_ = false;
  dragId_ = doc_->newDragId();
  dragStart_.clear();
  blockDragStart_.clear();
  const nc::Graph& g = doc_->graph();
  for (nc::NodeId n : selectedNodes()) dragStart_[n] = QPointF(g.node(n).x, g.node(n).y);
  for (nc::BlockId b : selectedBlocks()) {
    const nc::Block& m = g.block(b);
    if (blockItem(b)) {
      blockDragStart_[b] = QPointF(m.x, m.y);
      continue;
    }
    for (nc::NodeId n : g.blockNodes(b))
      if (g.visibleBlock(n) == nc::kNoBlock) dragStart_[n] = QPointF(g.node(n).x, g.node(n).y);
    for (auto& [bid, bi] : blockItems_)
      if (g.blockInBlock(bid, b)) blockDragStart_[bid] = QPointF(g.block(bid).x, g.block(bid).y);
    blockDragStart_[b] = QPointF(m.x, m.y);
  }
}

// A node pressed: the scene's selection rules, then dragging the selection.
void GraphScene::beginNodeDrag(NodeItem* n, QGraphicsSceneMouseEvent* e) {
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
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* e) {
  if (e->button() != Qt::LeftButton) {
    QGraphicsScene::mousePressEvent(e);
    return;
  }
  pressPos_ = e->scenePos();
  if (beginWire(e)) {
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
    const bool additive = e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    if (blk)
      beginBlockDrag(blk, blk->blockId(), additive);
    else
      beginBlockDrag(frame, frame->blockId(), additive);
    e->accept();
    return;
  }
  if (n) {
    beginNodeDrag(n, e);
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

}  // namespace ncui
