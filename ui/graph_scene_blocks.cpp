// GraphScene, composite blocks: block items and frames follow the model in one pass after each
// command (syncBlocks), frames enclose their members, and the block edits the canvas and the main
// window trigger (group, ungroup, expand/collapse, insert from the palette).
#include <QUndoStack>
#include <algorithm>
#include <set>

#include "ui/block_item.h"
#include "ui/document.h"
#include "ui/edge_item.h"
#include "ui/graph_scene.h"
#include "ui/node_item.h"

namespace ncui {

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

}  // namespace ncui
