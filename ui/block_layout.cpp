#include "ui/block_layout.h"

#include <QRectF>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "core/base/error.h"
#include "core/layout/layout.h"
#include "ui/card_geometry.h"

namespace ncui {

namespace {

struct Item {
  nc::NodeId node = nc::kNoNode;
  nc::BlockId block = nc::kNoBlock;
  auto operator<=>(const Item&) const = default;
};

struct Items {
  std::vector<Item> items;
  std::map<nc::NodeId, size_t> ofNode;  // node -> index of the item showing it
};

Items visibleItems(const nc::Graph& g, nc::BlockId scope) {
  Items r;
  std::map<Item, size_t> index;
  std::vector<nc::NodeId> nodes = scope == nc::kNoBlock ? g.nodeIds() : g.blockNodes(scope);
  for (nc::NodeId id : nodes) {
    nc::BlockId vb = g.visibleBlock(id);
    Item it = vb != nc::kNoBlock && vb != scope ? Item{nc::kNoNode, vb} : Item{id, nc::kNoBlock};
    auto [pos, fresh] = index.emplace(it, r.items.size());
    if (fresh) r.items.push_back(it);
    r.ofNode[id] = pos->second;
  }
  return r;
}

double itemHeight(const nc::Graph& g, const Item& it) {
  return it.block != nc::kNoBlock ? card::estimatedBlockHeight(g, it.block)
                                  : card::estimatedNodeHeight(g, it.node);
}

QPointF itemPos(const nc::Graph& g, const Item& it) {
  if (it.block != nc::kNoBlock) return QPointF(g.block(it.block).x, g.block(it.block).y);
  return QPointF(g.node(it.node).x, g.node(it.node).y);
}

}  // namespace

void layOutVisibleItems(nc::Graph& g, nc::BlockId scope, std::optional<QPointF> origin,
                        double targetAspect) {
  Items vis = visibleItems(g, scope);
  if (vis.items.empty()) return;
  // Proxy graph: one variadic node per item, inputs = distinct predecessor items.
  nc::Graph proxy;
  std::vector<nc::NodeId> proxyOf;
  std::map<nc::NodeId, size_t> itemOfProxy;
  for (size_t i = 0; i < vis.items.size(); ++i) {
    nc::NodeId p = proxy.addNode("Concat", "item" + std::to_string(i));
    proxyOf.push_back(p);
    itemOfProxy[p] = i;
  }
  std::vector<std::set<size_t>> preds(vis.items.size());
  for (const nc::ConnectionId& c : g.connections()) {
    auto a = vis.ofNode.find(c.from.node), b = vis.ofNode.find(c.to.node);
    if (a == vis.ofNode.end() || b == vis.ofNode.end() || a->second == b->second) continue;
    preds[b->second].insert(a->second);
  }
  // Sources in item order keep the ports' top-to-bottom order stable.
  for (size_t i = 0; i < vis.items.size(); ++i) {
    if (preds[i].empty()) continue;
    proxy.setInputCount(proxyOf[i], int(preds[i].size()));
    int port = 0;
    for (size_t a : preds[i]) {
      try {
        proxy.connect({proxyOf[a], 0}, {proxyOf[i], port});
        ++port;
      } catch (const nc::Error&) {
        // Collapsing can make a cycle of items (a block feeding a node feeding the block);
        // the layout ignores that edge.
      }
    }
  }
  nc::LayoutOptions opt;
  opt.layerSpacing = card::kWidth + 90;
  opt.nodeHeight = [&](nc::NodeId p) { return itemHeight(g, vis.items[itemOfProxy.at(p)]); };
  opt.verticalGap = 36;
  std::vector<nc::NodePosition> pos = nc::layeredLayout(proxy, opt);
  // Fold into rows of consecutive layers when the layout is far wider than the target aspect.
  int layers = 0;
  double top = 1e300, bottom = -1e300;
  for (const nc::NodePosition& p : pos) {
    layers = std::max(layers, p.layer + 1);
    top = std::min(top, p.y);
    bottom = std::max(bottom, p.y + opt.nodeHeight(p.id));
  }
  double width = layers * opt.layerSpacing, height = std::max(1.0, bottom - top);
  int rows = int(std::lround(std::sqrt(width / (targetAspect * height))));
  if (targetAspect > 0 && rows >= 2 && layers >= 2 * rows) {
    const int perRow = (layers + rows - 1) / rows;
    std::vector<double> rowTop(size_t(rows), 1e300), rowBottom(size_t(rows), -1e300);
    for (const nc::NodePosition& p : pos) {
      size_t r = size_t(p.layer / perRow);
      rowTop[r] = std::min(rowTop[r], p.y);
      rowBottom[r] = std::max(rowBottom[r], p.y + opt.nodeHeight(p.id));
    }
    std::vector<double> rowY(size_t(rows), 0);
    for (size_t r = 1; r < size_t(rows); ++r)
      rowY[r] = rowY[r - 1] + std::max(0.0, rowBottom[r - 1] - rowTop[r - 1]) + 140;
    for (nc::NodePosition& p : pos) {
      size_t r = size_t(p.layer / perRow);
      p.x = opt.originX + (p.layer % perRow) * opt.layerSpacing;
      p.y = p.y - rowTop[r] + rowY[r];
    }
  }
  QPointF shift;
  if (origin) {
    double minX = 1e300, minY = 1e300;
    for (const nc::NodePosition& p : pos) minX = std::min(minX, p.x), minY = std::min(minY, p.y);
    shift = *origin - QPointF(minX, minY);
  }
  for (const nc::NodePosition& p : pos) {
    const Item& it = vis.items[itemOfProxy.at(p.id)];
    if (it.block != nc::kNoBlock)
      g.setBlockPosition(it.block, p.x + shift.x(), p.y + shift.y());
    else
      g.setPosition(it.node, p.x + shift.x(), p.y + shift.y());
  }
}

bool visibleItemsOverlap(const nc::Graph& g, nc::BlockId scope) {
  Items vis = visibleItems(g, scope);
  std::vector<QRectF> rects;
  for (const Item& it : vis.items)
    rects.emplace_back(itemPos(g, it), QSizeF(card::kWidth, itemHeight(g, it)));
  // Sorted by x: only neighbours within one width can overlap.
  std::sort(rects.begin(), rects.end(),
            [](const QRectF& a, const QRectF& b) { return a.x() < b.x(); });
  for (size_t i = 0; i < rects.size(); ++i)
    for (size_t j = i + 1; j < rects.size() && rects[j].x() < rects[i].right() + 24; ++j)
      if (rects[i].adjusted(-12, 0, 12, 0).intersects(rects[j])) return true;
  return false;
}

}  // namespace ncui
