// GraphScene, the context menu: on a block Expand/Collapse, Rename, Ungroup, Save to the library
// and Delete; on a connection Disconnect; on a node Duplicate, Delete, Group, its block's
// Collapse, variadic inputs and Disconnect Inputs; on empty canvas an "Add Node" menu by
// category.
#include <QGraphicsSceneContextMenuEvent>
#include <QMenu>
#include <QUndoStack>

#include "core/ops/registry.h"
#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/graph_scene.h"
#include "ui/node_item.h"

namespace ncui {

void GraphScene::addBlockActions(QMenu& menu, nc::BlockId id) {
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
  menu.addAction(tr("Save to Block Library…"), this, [this, id] { Q_EMIT saveBlockRequested(id); });
  menu.addSeparator();
  menu.addAction(tr("Delete Block"), this, [this] { deleteSelection(); });
}

void GraphScene::addNodeActions(QMenu& menu, NodeItem* n) {
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
    menu.addAction(tr("Collapse Block %1").arg(QString::fromStdString(doc_->graph().block(b).name)),
                   this, [this, b] {
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
}

void GraphScene::addCreateActions(QMenu& menu, QPointF at) {
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
    addBlockActions(menu, blockHit);
  } else if (hit && hit->type() == EdgeItem::Type) {
    nc::ConnectionId c = static_cast<EdgeItem*>(hit)->connection();
    menu.addAction(tr("Disconnect"), this, [this, c] { doc_->disconnectPort(c.to); });
  } else if (hit) {
    addNodeActions(menu, static_cast<NodeItem*>(hit));
  } else {
    addCreateActions(menu, at);
  }
  menu.exec(e->screenPos());
  e->accept();
}

}  // namespace ncui
